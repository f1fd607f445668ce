namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The requests one client made per gather in one scenario of one run, by path.</summary>
internal sealed record RequestsSeen(string Scenario, string Client, IReadOnlyDictionary<string, double> PerGather);
