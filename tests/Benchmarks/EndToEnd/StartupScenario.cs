using System.Diagnostics;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>How fast a build starts and how much memory it holds, measured the same way for AOT and JIT.</summary>
internal static class StartupScenario
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Process.Start until the first batch's last line arrives, the trigger written right after the start.</summary>
    public static double StartToFirstBatchMilliseconds(string binary, IReadOnlyList<string> args, string linePrefix, CancellationToken stop)
    {
        long start = Stopwatch.GetTimestamp();
        using PluginProcess plugin = PluginProcess.Start(binary, args, stop);
        plugin.Trigger();
        plugin.ReadBatch(1, BatchTimeout);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        plugin.CheckBatch(plugin.LastBatch, linePrefix);
        plugin.Stop(TimeSpan.FromSeconds(10));
        return elapsed;
    }

    /// <summary>VmRSS after <paramref name="gathers"/> back-to-back gathers.</summary>
    public static long ResidentBytesAfter(string binary, IReadOnlyList<string> args, string linePrefix, int gathers, CancellationToken stop)
    {
        using PluginProcess plugin = PluginProcess.Start(binary, args, stop);
        for (int i = 0; i < gathers; i++)
        {
            plugin.Trigger();
            plugin.ReadBatch(1, BatchTimeout);
            if (i % 1000 == 0)
            {
                stop.ThrowIfCancellationRequested();
            }
        }

        plugin.CheckBatch(plugin.LastBatch, linePrefix);
        long rss = ProcFs.ResidentBytes(plugin.Id);
        plugin.Stop(TimeSpan.FromSeconds(10));
        return rss;
    }
}
