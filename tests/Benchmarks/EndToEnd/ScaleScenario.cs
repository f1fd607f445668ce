using System.Diagnostics;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// Many JVB containers on one host: gathers timed beside floor gathers (interleaved, alternating order), then
/// a second plugin process whose Docker calls go through the recording proxy, to count the calls of a
/// steady-state gather (the proxy's own cost stays out of the timings).
/// </summary>
internal static class ScaleScenario
{
    private const int Warmup = 5;
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(60);

    public static ScaleResult Run(string binary, string dockerEndpoint, DockerApiProxy proxy, FloorClient floor, int containers, string linePrefix, EndToEndOptions options, CancellationToken stop)
    {
        double[] gathers = new double[options.ScaleGathers];
        double[] floors = new double[options.ScaleGathers];
        using (PluginProcess plugin = PluginProcess.Start(binary, ["--endpoint", dockerEndpoint], stop))
        {
            for (int i = 0; i < Warmup; i++)
            {
                Gather(plugin, containers);
                floor.Gather();
            }

            plugin.CheckBatch(plugin.LastBatch, linePrefix);
            for (int i = 0; i < options.ScaleGathers; i++)
            {
                if (i % 2 == 0)
                {
                    floors[i] = TimeFloor(floor);
                    gathers[i] = TimeGather(plugin, containers);
                }
                else
                {
                    gathers[i] = TimeGather(plugin, containers);
                    floors[i] = TimeFloor(floor);
                }

                stop.ThrowIfCancellationRequested();
            }

            plugin.CheckBatch(plugin.LastBatch, linePrefix);
            plugin.Stop(TimeSpan.FromSeconds(10));
        }

        using (PluginProcess counted = PluginProcess.Start(binary, ["--endpoint", proxy.Endpoint], stop))
        {
            for (int i = 0; i < Warmup; i++)
            {
                Gather(counted, containers);
            }

            int before = proxy.Calls.Count;
            try
            {
                for (int i = 0; i < options.CountedGathers; i++)
                {
                    Gather(counted, containers);
                }
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"{ex.Message}\nthe last calls the Docker API proxy saw: {string.Join(", ", proxy.Calls.TakeLast(5).Select(call => $"{call.Method} {call.Target}"))} ({proxy.Calls.Count - before} since counting began)", ex);
            }

            int calls = proxy.Calls.Count - before;
            string[] refused = [.. proxy.Calls.Where(call => !call.Allowed).Select(call => $"{call.Method} {call.Target}")];
            if (refused.Length > 0)
            {
                throw new InvalidOperationException($"the plugin made Docker calls the read-only proxy refused: {string.Join(", ", refused)}");
            }

            counted.Stop(TimeSpan.FromSeconds(10));
            return new ScaleResult(gathers, floors, (double)calls / options.CountedGathers);
        }
    }

    private static void Gather(PluginProcess plugin, int containers)
    {
        plugin.Trigger();
        plugin.ReadBatch(containers, BatchTimeout);
    }

    private static double TimeGather(PluginProcess plugin, int containers)
    {
        long start = Stopwatch.GetTimestamp();
        Gather(plugin, containers);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double TimeFloor(FloorClient floor)
    {
        long start = Stopwatch.GetTimestamp();
        floor.Gather();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
