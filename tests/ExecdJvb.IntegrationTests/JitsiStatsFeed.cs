namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A private influxd holding a jitsi_stats database written the way a real setup writes it: the published
/// plugin, run by the Telegraf-like harness (which adds the host tag), reading JVB containers of both colibri
/// eras on the private dockerd, over several gathers, for three Telegraf hosts:
/// <list type="bullet">
/// <item>meet.example.org: Docker discovery, both JVBs;</item>
/// <item>meet2.example.org: Docker discovery limited by container_name_include to the 2024 one;</item>
/// <item>static.example.org: both JVBs listed in urls, so their points carry url instead of container_name, and only
/// url tells them apart.</item>
/// </list>
/// The database is fed once, by the first test that asks; the containers are removed afterwards.
/// <see cref="JicofosAsync"/> adds, on its first call, jicofo_stats the same way: a docker-jitsi-meet Jicofo read through
/// Docker discovery by meet.example.org and meet2.example.org, and through its /stats URL by static.example.org.
/// <see cref="ProsodyAsync"/> adds the points the plugin's own OpenMetrics mapper writes for the Prosody capture, as
/// container docker-jitsi-meet-prosody-1 on meet.example.org, for <see cref="Gathers"/> gathers 10 s apart.
/// </summary>
public sealed class JitsiStatsFeed : IAsyncLifetime
{
    private const int Gathers = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _once = new(1, 1);
    private InfluxDb? _influx;
    private IReadOnlyList<FedJvb>? _fed;
    private IReadOnlyList<FedJicofo>? _jicofos;
    private IReadOnlyList<DateTimeOffset>? _prosodyGathers;

    internal InfluxDb Influx => _influx ?? throw new InvalidOperationException("influxd did not start");

    public async Task InitializeAsync() => _influx = await InfluxDb.StartAsync();

    public async Task DisposeAsync()
    {
        _once.Dispose();
        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }

    /// <summary>The JVBs in the database, each written by <see cref="Gathers"/> gathers; feeds it on the first call.</summary>
    internal async Task<IReadOnlyList<FedJvb>> FedAsync(DockerEngine engine)
    {
        await _once.WaitAsync();
        try
        {
            return _fed ??= await FeedAsync(engine);
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>The Jicofos in the database, each written by <see cref="Gathers"/> gathers; feeds them on the first call.</summary>
    internal async Task<IReadOnlyList<FedJicofo>> JicofosAsync(DockerEngine engine)
    {
        await _once.WaitAsync();
        try
        {
            return _jicofos ??= await FeedJicofosAsync(engine);
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>When each Prosody gather was written; writes them on the first call.</summary>
    internal async Task<IReadOnlyList<DateTimeOffset>> ProsodyAsync()
    {
        await _once.WaitAsync();
        try
        {
            return _prosodyGathers ??= await FeedProsodyAsync();
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task<IReadOnlyList<FedJicofo>> FeedJicofosAsync(DockerEngine engine)
    {
        const string Payload = "stats-stable-jitsi-meet_11146.json";
        var discovered = new FedJicofo("meet.example.org", DockerJitsiMeet.Jicofo, Payload);
        var elsewhere = discovered with { Host = "meet2.example.org" };
        var listed = new FedJicofo("static.example.org", "", Payload);

        await engine.RemoveAllContainersAsync();
        try
        {
            int port = FreePort.Next();
            await DockerJitsiMeet.RunJicofoAsync(engine, port);

            // Each gather writes jicofo_stats and Jicofo's view of the fleet from its /debug.
            int points = 1 + DockerJitsiMeet.JicofoFleetPointCount();
            // The three Jicofos report the same bridges, and the fleet row adds up what each reports in a time bucket:
            // they gather together, as agents on one interval do, so each bucket holds all three or none.
            await TelegrafExecd.GatherTogetherAsync(
                Influx,
                [(discovered.Host, ["--endpoint", engine.Endpoint], points), (elsewhere.Host, ["--endpoint", engine.Endpoint], points), (listed.Host, ["--urls", $"http://127.0.0.1:{port}/stats"], points)],
                Gathers,
                Wait);
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }

        return [discovered, elsewhere, listed];
    }

    /// <summary>
    /// The Prosody capture mapped in process as the plugin maps it for a container (Prosody's host label as xmpp_host),
    /// each line given the host tag Telegraf's agent gives it, written 10 s apart ending 30 s ago.
    /// </summary>
    private async Task<IReadOnlyList<DateTimeOffset>> FeedProsodyAsync()
    {
        byte[] capture = TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt");
        DateTimeOffset last = DateTimeOffset.UtcNow.AddSeconds(-30);
        DateTimeOffset[] gathers = [.. Enumerable.Range(0, Gathers).Select(i => last.AddSeconds(-10 * (Gathers - 1 - i)))];
        var mapper = new ExecdJvb.Mapping.OpenMetricsSchemaMapper();
        foreach (DateTimeOffset gather in gathers)
        {
            var writer = new LineProtocolWriter();
            MapOutcome outcome = mapper.Map(capture, [new TargetTag("container_name", ProsodyContainer)], long.Parse(InfluxDb.Epoch(gather), System.Globalization.CultureInfo.InvariantCulture), writer, ExecdJvb.Jitsi.ComponentProfile.Of(ExecdJvb.Jitsi.JitsiComponent.Prosody).LabelRenames);
            Assert.True(outcome.Written, outcome.ToString());
            string[] lines = System.Text.Encoding.UTF8.GetString(writer.WrittenMemory.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            (System.Net.HttpStatusCode status, string body) = await Influx.WriteAsync(string.Join('\n', lines.Select(line => TelegrafHostTag.Add(line, "meet.example.org"))) + "\n");
            Assert.True(status == System.Net.HttpStatusCode.NoContent, $"InfluxDB answered {(int)status} {body}");
        }

        return gathers;
    }

    /// <summary>The container_name the Prosody points carry, as docker-jitsi-meet names its Prosody.</summary>
    internal static string ProsodyContainer => DockerJitsiMeet.ContainerName("prosody");

    private async Task<IReadOnlyList<FedJvb>> FeedAsync(DockerEngine engine)
    {
        var before2024 = new FedJvb("meet.example.org", "jvb-2.1.508", ColibriEra.Before2024);
        var since2024 = new FedJvb("meet.example.org", "docker-jitsi-meet-jvb-1", ColibriEra.Since2024);
        var limited = since2024 with { Host = "meet2.example.org" };
        var listed = new FedJvb("static.example.org", "", ColibriEra.Before2024);
        var listedToo = listed with { Era = ColibriEra.Since2024 };

        await engine.RemoveAllContainersAsync();
        try
        {
            int oldPort = FreePort.Next();
            await engine.RunJvbAsync(before2024.ContainerName, oldPort, before2024.Era.Fixture);
            int newPort = FreePort.Next();
            await engine.RunJvbAsync(since2024.ContainerName, newPort, since2024.Era.Fixture, DockerEngine.JvbImage, "--label", "com.docker.compose.service=jvb");

            string[] discovery = ["--endpoint", engine.Endpoint, "--address", "host"];
            await GatherAsync(before2024.Host, discovery, 2);
            await GatherAsync(limited.Host, [.. discovery, "--container-name-include", limited.ContainerName], 1);
            await GatherAsync(listed.Host, ["--urls", $"http://127.0.0.1:{oldPort}/colibri/stats,http://127.0.0.1:{newPort}/colibri/stats"], 2);
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }

        return [before2024, since2024, limited, listed, listedToo];
    }

    private async Task GatherAsync(string host, string[] args, int jvbs)
    {
        await using TelegrafExecd telegraf = TelegrafExecd.Start(args, Influx, host);
        for (int i = 1; i <= Gathers; i++)
        {
            await telegraf.IntervalAsync();
            Assert.True(await telegraf.WaitForPointsAsync(i * jvbs, Wait), $"{host}: gather {i} did not write {jvbs} point(s)");
            await Task.Delay(10);
        }

        await telegraf.StopAsync();
        telegraf.AssertQuiet(host);
        Assert.Equal(Gathers * jvbs, telegraf.PointsWritten);
    }
}
