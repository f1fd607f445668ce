using System.Net;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs the published binary exactly as Telegraf's inputs.execd does (plugins/inputs/execd):
/// "\n" on stdin each interval (1 s write deadline), stdout read line by line as line protocol and
/// written to InfluxDB with the host tag the agent adds, stderr lines logged by their E!/W!/I!/D!
/// prefix. Stopping closes stdin and sends SIGTERM only if the plugin is still running after 5 s.
/// Anything Telegraf would complain about is recorded for the test to assert on.
/// </summary>
internal sealed class TelegrafExecd : IAsyncDisposable
{
    private readonly ExecdProcess _process;
    private readonly InfluxDb _influx;
    private readonly string _host;
    private readonly Task _forwarding;
    private readonly List<(HttpStatusCode Status, string Body, string Line)> _writes = [];
    private readonly List<string> _printed = [];
    private readonly SemaphoreSlim _written = new(0);
    private bool _stopping;

    private TelegrafExecd(ExecdProcess process, InfluxDb influx, string host)
    {
        _process = process;
        _influx = influx;
        _host = host;
        _forwarding = ForwardAsync();
    }

    /// <summary>Writes InfluxDB did not answer with 204 (Telegraf would log and retry or drop them).</summary>
    public IReadOnlyList<(HttpStatusCode Status, string Body, string Line)> FailedWrites
    {
        get { lock (_writes) { return [.. _writes.Where(write => write.Status != HttpStatusCode.NoContent)]; } }
    }

    public int PointsWritten
    {
        get { lock (_writes) { return _writes.Count(write => write.Status == HttpStatusCode.NoContent); } }
    }

    /// <summary>stderr lines without a level prefix (Telegraf would log them as errors).</summary>
    public IReadOnlyList<string> UnprefixedStderr => [.. _process.StderrLines.Where(line => line.Length < 3 || !"EWID".Contains(line[0], StringComparison.Ordinal) || line[1..3] != "! ")];

    public IReadOnlyList<string> Stderr(char level) => [.. _process.StderrLines.Where(line => line.StartsWith($"{level}! ", StringComparison.Ordinal))];

    /// <summary>Whether the plugin exited on its own while Telegraf was running it (logged as an error and restarted).</summary>
    public bool ExitedWhileRunning { get; private set; }

    /// <summary>
    /// Runs several agents whose intervals fall together, as Telegrafs on one interval do, for <paramref name="gathers"/>
    /// gathers, each round begun clear of the end of a 10 s bucket (and so of a minute's), so that every agent's points
    /// of a round fall in one bucket of the dashboard's intervals. Each agent must write its points per gather and stay
    /// quiet; returns what each printed and wrote, the agents stopped.
    /// </summary>
    public static async Task<IReadOnlyList<(string Host, IReadOnlyList<string> Printed, IReadOnlyList<string> Written)>> GatherTogetherAsync(
        InfluxDb influx, IReadOnlyList<(string Host, string[] Args, int PerGather)> agents, int gathers, TimeSpan wait)
    {
        var telegrafs = new List<TelegrafExecd>();
        try
        {
            foreach ((string host, string[] args, _) in agents)
            {
                telegrafs.Add(Start(args, influx, host));
            }

            for (int i = 1; i <= gathers; i++)
            {
                double intoBucket = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 10_000 / 1000.0;
                if (intoBucket > 7)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10.1 - intoBucket));
                }

                await Task.WhenAll(telegrafs.Select(telegraf => telegraf.IntervalAsync()));
                for (int a = 0; a < agents.Count; a++)
                {
                    Assert.True(await telegrafs[a].WaitForPointsAsync(i * agents[a].PerGather, wait), $"{agents[a].Host}: gather {i} did not write {agents[a].PerGather} point(s)");
                }
            }

            var fed = new List<(string Host, IReadOnlyList<string> Printed, IReadOnlyList<string> Written)>();
            for (int a = 0; a < agents.Count; a++)
            {
                await telegrafs[a].StopAsync();
                telegrafs[a].AssertQuiet(agents[a].Host);
                Assert.Equal(gathers * agents[a].PerGather, telegrafs[a].PointsWritten);
                fed.Add((agents[a].Host, telegrafs[a].PrintedLines, telegrafs[a].WrittenLines));
            }

            return fed;
        }
        finally
        {
            foreach (TelegrafExecd telegraf in telegrafs)
            {
                await telegraf.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Asserts that Telegraf would have had nothing to complain about: every write accepted, every stderr line prefixed,
    /// no error or warning, and the plugin never exited while it ran.
    /// </summary>
    public void AssertQuiet(string who)
    {
        Assert.Empty(FailedWrites);
        Assert.Empty(UnprefixedStderr);
        Assert.Empty(Stderr('E'));
        Assert.Empty(Stderr('W'));
        Assert.False(ExitedWhileRunning, $"{who}: the plugin exited while Telegraf was running it");
    }

    /// <summary>Whether stopping needed SIGTERM because the plugin did not exit within 5 s of stdin closing.</summary>
    public bool NeededSigterm { get; private set; }

    /// <summary>The lines the plugin printed, as it printed them (before the agent adds its host tag), in order.</summary>
    public IReadOnlyList<string> PrintedLines
    {
        get { lock (_writes) { return [.. _printed]; } }
    }

    /// <summary>The lines sent to InfluxDB, host tag added, in order.</summary>
    public IReadOnlyList<string> WrittenLines
    {
        get { lock (_writes) { return [.. _writes.Select(write => write.Line)]; } }
    }

    public static TelegrafExecd Start(IEnumerable<string> args, InfluxDb influx, string host, IDictionary<string, string>? environment = null) =>
        new(ExecdProcess.Start(args, environment), influx, host);

    /// <summary>One interval: the newline Telegraf writes for signal = "STDIN".</summary>
    public async Task IntervalAsync()
    {
        if (_process.HasExited)
        {
            ExitedWhileRunning = true;
            return;
        }

        await _process.TriggerAsync();
    }

    /// <summary>Waits until <paramref name="count"/> points were written to InfluxDB (each write wakes it), or the timeout.</summary>
    public async Task<bool> WaitForPointsAsync(int count, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (PointsWritten + FailedWrites.Count < count)
        {
            TimeSpan left = timeout - waited.Elapsed;
            if (left <= TimeSpan.Zero || !await _written.WaitAsync(left))
            {
                return false;
            }
        }

        return true;
    }

    public async Task StopAsync()
    {
        _stopping = true;
        if (_process.HasExited)
        {
            ExitedWhileRunning = true;
        }
        else
        {
            try
            {
                await _process.CloseStdinAsync(TimeSpan.FromSeconds(5));
            }
            catch (OperationCanceledException)
            {
                NeededSigterm = true;
                _process.Signal(Posix.SigTerm);
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(5));
            }
        }

        await _forwarding.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();

    private async Task ForwardAsync()
    {
        while (true)
        {
            string? line = await _process.NextStdoutLineAsync(TimeSpan.FromMinutes(5));
            if (line is null)
            {
                if (!_stopping)
                {
                    ExitedWhileRunning = _process.HasExited;
                }

                return;
            }

            string tagged = TelegrafHostTag.Add(line, _host);
            (HttpStatusCode status, string body) = await _influx.WriteAsync(tagged + "\n");
            lock (_writes)
            {
                _printed.Add(line);
                _writes.Add((status, body, tagged));
            }

            _written.Release();
        }
    }
}
