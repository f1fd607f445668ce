namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// One of the clients the benchmark compares (the plugin, the C floor, the Python scraper), as a command started
/// once and driven through stdin: <paramref name="Lines"/> lines per gather, each starting with <paramref name="LinePrefix"/>.
/// </summary>
internal sealed record ClientSpec(string Name, string Program, IReadOnlyList<string> Args, string LinePrefix, int Lines = 1);
