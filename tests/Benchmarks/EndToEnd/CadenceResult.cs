namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// One client's figures per gather at one cadence, from the difference of a long and a short window in the same
/// process, so what does not grow with the gathers (start-up, the window's own edges) cancels out.
/// </summary>
internal sealed record CadenceResult(
    string Client,
    double CpuMicroseconds,
    double ContextSwitches,
    double SchedstatCpuMicroseconds,
    double WallMicroseconds,
    IReadOnlyDictionary<string, double> RequestsPerGather)
{
    public double Requests => RequestsPerGather.Values.Sum();

    public string RequestsText => RequestsPerGather.Count == 0
        ? "not counted"
        : string.Join(", ", RequestsPerGather.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value:0.###}"));
}
