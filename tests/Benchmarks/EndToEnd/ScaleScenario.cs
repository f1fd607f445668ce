using System.Diagnostics;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// Many JVBs in one gather: the clients, started with every JVB's URL, warmed up, then timed gather by gather,
/// interleaved (the order turning each round); the wall time from the newline to the batch's last line.
/// </summary>
internal static class ScaleScenario
{
    /// <summary>Each client's median wall time per gather, in milliseconds, in the order given.</summary>
    public static double[] MedianMilliseconds(IReadOnlyList<ClientSpec> specs, int warmup, int gathers, CancellationToken stop)
    {
        var clients = new List<ClientProcess>();
        try
        {
            foreach (ClientSpec spec in specs)
            {
                clients.Add(ClientProcess.Start(spec, stop));
            }

            foreach (ClientProcess client in clients)
            {
                client.Gather(warmup, stop);
            }

            var times = clients.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < gathers; round++)
            {
                stop.ThrowIfCancellationRequested();
                for (int j = 0; j < clients.Count; j++)
                {
                    int index = (j + round) % clients.Count;
                    long start = Stopwatch.GetTimestamp();
                    clients[index].Gather();
                    times[index].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            foreach (ClientProcess client in clients)
            {
                client.CheckLastBatch();
                client.Stop();
            }

            return [.. times.Select(Percentile.Median)];
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }
}
