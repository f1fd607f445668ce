namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>Resident memory of one long-lived client over many gathers back to back, read at every tenth.</summary>
internal static class RssScenario
{
    /// <summary>VmRSS in bytes after each tenth of <paramref name="gathers"/> (ten readings, the last after all of them).</summary>
    public static long[] ResidentBytes(ClientSpec spec, int gathers, CancellationToken stop)
    {
        using ClientProcess client = ClientProcess.Start(spec, stop);
        long[] readings = new long[10];
        for (int tenth = 0; tenth < 10; tenth++)
        {
            client.Gather((gathers / 10) + (tenth == 9 ? gathers % 10 : 0), stop);
            readings[tenth] = client.ResidentBytes();
        }

        client.Stop();
        return readings;
    }
}
