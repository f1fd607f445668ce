using System.Diagnostics;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// One plugin process, one JVB found through Docker, driven for all the run's gathers back to back: warm-up,
/// then latency samples interleaved one for one with floor samples (alternating which goes first, so both
/// see the same noise), then the rest of the gathers; RSS and CPU are read from /proc after warm-up and at
/// the end.
/// </summary>
internal static class SingleJvbScenario
{
    private const int FloorWarmup = 500;
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(30);

    public static SingleJvbResult Run(string binary, string dockerEndpoint, FloorClient floor, string linePrefix, EndToEndOptions options, CancellationToken stop)
    {
        using PluginProcess plugin = PluginProcess.Start(binary, ["--endpoint", dockerEndpoint], stop);
        plugin.Trigger();
        plugin.CheckBatch(plugin.ReadBatch(1, BatchTimeout), linePrefix);
        int gathers = 1;

        // Warm-up: the plugin's pools and connections, the harness's JIT tiers for its own loop and the floor.
        for (; gathers < options.Warmup; gathers++)
        {
            Gather(plugin);
            if (gathers <= FloorWarmup)
            {
                floor.Gather();
            }

            stop.ThrowIfCancellationRequested();
        }

        long warmRss = ProcFs.ResidentBytes(plugin.Id);
        TimeSpan warmCpu = ProcessCpuTime.Of(plugin.Id);
        int warmGathers = gathers;

        double[] latency = new double[options.LatencySamples];
        double[] floorLatency = new double[options.LatencySamples];
        long floorCpu = 0;
        for (int i = 0; i < options.LatencySamples; i++, gathers++)
        {
            if (i % 2 == 0)
            {
                floorLatency[i] = TimeFloor(floor, ref floorCpu);
                latency[i] = TimeGather(plugin);
            }
            else
            {
                latency[i] = TimeGather(plugin);
                floorLatency[i] = TimeFloor(floor, ref floorCpu);
            }

            stop.ThrowIfCancellationRequested();
        }

        plugin.CheckBatch(plugin.LastBatch, linePrefix);
        for (; gathers < options.Gathers; gathers++)
        {
            Gather(plugin);
            if (gathers % 1000 == 0)
            {
                stop.ThrowIfCancellationRequested();
            }
        }

        long finalRss = ProcFs.ResidentBytes(plugin.Id);
        TimeSpan finalCpu = ProcessCpuTime.Of(plugin.Id);
        plugin.CheckBatch(plugin.LastBatch, linePrefix);
        plugin.Stop(TimeSpan.FromSeconds(10));
        return new SingleJvbResult(
            latency,
            floorLatency,
            (finalCpu - warmCpu) / (gathers - warmGathers),
            TimeSpan.FromTicks(floorCpu / 100 / options.LatencySamples),
            warmRss,
            finalRss);
    }

    private static void Gather(PluginProcess plugin)
    {
        plugin.Trigger();
        plugin.ReadBatch(1, BatchTimeout);
    }

    private static double TimeGather(PluginProcess plugin)
    {
        long start = Stopwatch.GetTimestamp();
        Gather(plugin);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static double TimeFloor(FloorClient floor, ref long cpuNanoseconds)
    {
        long cpu = ThreadCpuClock.Nanoseconds();
        long start = Stopwatch.GetTimestamp();
        floor.Gather();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        cpuNanoseconds += ThreadCpuClock.Nanoseconds() - cpu;
        return elapsed;
    }
}
