using System.Diagnostics;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// Components that hang: the plugin, started with the URLs of answering JVBs and of JVBs that accept and never answer,
/// timed gather by gather from its very first one (no warm-up: a first gather is where a slow-growing pool of threads
/// would show), from the newline to the answering JVBs' last line.
/// </summary>
internal static class OutageScenario
{
    public const int Jvbs = 20;
    public const int Gathers = 3;
    public const string Timeout = "1s";

    /// <summary>How many of the JVBs hang, case by case.</summary>
    public static readonly int[] Hung = [5, 15];

    /// <summary>The JVBs' URLs with the hung ones spread through the list, so no stretch of it is all hung or all answering.</summary>
    public static string[] Urls(IReadOnlyList<string> answering, IReadOnlyList<string> hung, int hungCount)
    {
        var urls = new string[Jvbs];
        int a = 0;
        int h = 0;
        for (int i = 0; i < Jvbs; i++)
        {
            urls[i] = i * hungCount % Jvbs < hungCount ? hung[h++] : answering[a++];
        }

        return urls;
    }

    /// <summary>Each gather's wall time in seconds, in order.</summary>
    public static double[] GatherSeconds(ClientSpec spec, int gathers, CancellationToken stop)
    {
        using ClientProcess client = ClientProcess.Start(spec, stop);
        double[] seconds = new double[gathers];
        for (int i = 0; i < gathers; i++)
        {
            stop.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            client.Gather();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        client.CheckLastBatch();
        client.Stop();
        return seconds;
    }
}
