using System.Diagnostics;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// How fast a client gives its first batch after a (re)start: from its exec (Process.Start returns once the child
/// has exec'd, so the harness's own fork is left out) to its first line read, the trigger written right away.
/// </summary>
internal static class StartupScenario
{
    public static double StartToFirstBatchMilliseconds(ClientSpec spec, CancellationToken stop)
    {
        using ClientProcess client = ClientProcess.Start(spec, stop);
        long start = Stopwatch.GetTimestamp();
        client.Gather();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        client.CheckLastBatch();
        client.Stop();
        return elapsed;
    }
}
