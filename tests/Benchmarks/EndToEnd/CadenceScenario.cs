using System.Diagnostics;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// CPU time, context switches and requests per gather of clients that are already started and warmed up, at
/// two cadences: paced (a gather every interval, as Telegraf's interval; every client once per tick, one after
/// the other, the order turning each tick) and back to back (the next newline as soon as the answer is read).
/// Each is a short and a long window in the same process; per gather = (long − short) ÷ (its gathers − short's).
/// </summary>
internal static class CadenceScenario
{
    /// <summary>A started client and, when its JVB server counts requests, that server.</summary>
    public sealed record Participant(ClientProcess Process, BusyboxHttpd? Server);

    public static CadenceResult[] Paced(IReadOnlyList<Participant> clients, int few, int gathers, TimeSpan interval, CpuMeter meter, CancellationToken stop)
    {
        Window small = Measure(clients, meter, wall => Ticks(clients, few, interval, wall, stop));
        Window large = Measure(clients, meter, wall => Ticks(clients, gathers, interval, wall, stop));
        return [.. clients.Select((client, i) => Difference(client, small, large, i, few, gathers))];
    }

    public static CadenceResult BackToBack(Participant client, int few, int gathers, CpuMeter meter, CancellationToken stop)
    {
        Participant[] one = [client];
        Window small = Measure(one, meter, wall => wall[0] = Timed(() => client.Process.Gather(few, stop)));
        Window large = Measure(one, meter, wall => wall[0] = Timed(() => client.Process.Gather(gathers, stop)));
        return Difference(client, small, large, 0, few, gathers);
    }

    private static void Ticks(IReadOnlyList<Participant> clients, int count, TimeSpan interval, double[] wall, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        for (int tick = 0; tick < count; tick++)
        {
            TimeSpan due = interval * tick;
            if (clock.Elapsed < due)
            {
                stop.WaitHandle.WaitOne(due - clock.Elapsed);
            }

            stop.ThrowIfCancellationRequested();
            for (int j = 0; j < clients.Count; j++)
            {
                int index = (j + tick) % clients.Count;
                ClientProcess process = clients[index].Process;
                wall[index] += Timed(process.Gather);
            }
        }

        foreach (Participant client in clients)
        {
            client.Process.CheckLastBatch();
        }
    }

    private static Window Measure(IReadOnlyList<Participant> clients, CpuMeter meter, Action<double[]> work)
    {
        double[] wall = new double[clients.Count];
        IReadOnlyDictionary<string, long>[] before = [.. clients.Select(client => client.Server?.Requests ?? new Dictionary<string, long>())];
        CpuSample[] cpu = meter.Measure([.. clients.Select(client => client.Process.Id)], () => work(wall));
        IReadOnlyDictionary<string, long>[] after = [.. clients.Select(client => client.Server is { } server ? SettledRequests(server) : new Dictionary<string, long>())];
        return new Window(cpu, wall, before, after);
    }

    /// <summary>The server's counts once its log has caught up (it is read asynchronously): unchanged for 100 ms.</summary>
    private static IReadOnlyDictionary<string, long> SettledRequests(BusyboxHttpd server)
    {
        IReadOnlyDictionary<string, long> last = server.Requests;
        for (int i = 0; i < 50; i++)
        {
            Thread.Sleep(100);
            IReadOnlyDictionary<string, long> now = server.Requests;
            if (now.Values.Sum() == last.Values.Sum())
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    /// <summary>Per gather by the difference of the windows; requests (which have no start-up share) over the long window.</summary>
    private static CadenceResult Difference(Participant client, Window small, Window large, int i, int few, int many)
    {
        CpuSample a = small.Cpu[i];
        CpuSample b = large.Cpu[i];
        int gathers = many - few;
        var requests = new Dictionary<string, double>(StringComparer.Ordinal);
        if (client.Server is not null)
        {
            foreach (string path in large.After[i].Keys)
            {
                long count = large.After[i][path] - large.Before[i].GetValueOrDefault(path);
                if (count != 0)
                {
                    requests[path] = (double)count / many;
                }
            }
        }

        return new CadenceResult(
            client.Process.Spec.Name,
            (b.Nanoseconds - a.Nanoseconds) / gathers / 1000,
            (b.ContextSwitches - a.ContextSwitches) / gathers,
            (b.SchedstatNanoseconds - a.SchedstatNanoseconds) / gathers / 1000,
            (large.Wall[i] - small.Wall[i]) / gathers,
            requests);
    }

    private static double Timed(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private sealed record Window(CpuSample[] Cpu, double[] Wall, IReadOnlyDictionary<string, long>[] Before, IReadOnlyDictionary<string, long>[] After);
}
