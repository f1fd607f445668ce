namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Two docker-jitsi-meet servers writing into one InfluxDB, as an operator with two stock installs has them: each its
/// own Telegraf-like agent with its own host name, its own private dockerd running the JVB, Jicofo, Jigasi and Prosody
/// stand-ins under the same container names on both, and its own plugin process (with <c>self_measurement</c>), all
/// gathering together for <see cref="Gathers"/> intervals. The payloads differ where the stand-ins allow, so that
/// points of the two mixed into one series would show:
/// <list type="bullet">
/// <item><see cref="ShardA"/> (the docker collection's engine): a JVB 2.3.168, the Jicofo of
/// <see cref="DockerEngine.JicofoSite"/> (health checks on);</item>
/// <item><see cref="ShardB"/> (a second engine of its own): a JVB 2.1.508, the second shard's Jicofo
/// (<see cref="DockerEngine.SecondShardJicofoSite"/>: health checks off, and a /debug that sees two of the same
/// bridges with its own allocations).</item>
/// </list>
/// Both run the same Jigasi and the same Prosody capture (the only ones there are). The components of each listen on
/// ports of their own, which their execd-jvb.port labels announce, as the stand-ins share the host network here.
/// The database is fed once, by the first test that asks; the containers are removed afterwards.
/// <see cref="PrometheusTwoServerFeed"/> runs the same two servers with the Prometheus-schema measurements instead.
/// </summary>
public class TwoServerFeed : IAsyncLifetime
{
    internal const string ShardA = "shard-a.example.org";
    internal const string ShardB = "shard-b.example.org";
    internal const int Gathers = 3;
    private const string StatsA = "stats-stable-jitsi-meet_11146.json";
    private const string StatsB = "stats-stable-jitsi-meet_11146-health-disabled.json";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _once = new(1, 1);
    private readonly bool _prometheus;
    private InfluxDb? _influx;
    private DockerEngine? _second;
    private IReadOnlyList<Server>? _servers;

    public TwoServerFeed()
        : this(prometheus: false)
    {
    }

    /// <summary>With <paramref name="prometheus"/>, both servers as <see cref="PrometheusTwoServerFeed"/> runs them.</summary>
    private protected TwoServerFeed(bool prometheus) => _prometheus = prometheus;

    internal InfluxDb Influx => _influx ?? throw new InvalidOperationException("influxd did not start");

    public async Task InitializeAsync()
    {
        _influx = await InfluxDb.StartAsync();
        _second = await DockerEngine.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _once.Dispose();
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }

    /// <summary>The two servers and what each plugin printed; feeds the database on the first call.</summary>
    internal async Task<IReadOnlyList<Server>> FedAsync(DockerEngine first)
    {
        await _once.WaitAsync();
        try
        {
            return _servers ??= await FeedAsync(first, _second ?? throw new InvalidOperationException("the second dockerd did not start"));
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>The JVBs of the two servers, as the dashboard audits take them.</summary>
    internal static IReadOnlyList<FedJvb> Jvbs =>
        [new(ShardA, DockerJitsiMeet.Jvb, ColibriEra.Since2024), new(ShardB, DockerJitsiMeet.Jvb, ColibriEra.Before2024)];

    /// <summary>The Jicofos of the two servers, as the dashboard audits take them.</summary>
    internal static IReadOnlyList<FedJicofo> Jicofos =>
        [new(ShardA, DockerJitsiMeet.Jicofo, StatsA), new(ShardB, DockerJitsiMeet.Jicofo, StatsB, DockerEngine.SecondShardDebugPayload)];

    /// <summary>The Prosody points each gather of one server writes: those Telegraf's OpenMetrics parser gives for the capture.</summary>
    internal static int ProsodyPoints =>
        TelegrafGolden.Points("prosody", ["prosody", "metrics-0.12.3-openmetrics.openmetrics.out"], [new("container_name", DockerJitsiMeet.Prosody)], 0).Count;

    private async Task<IReadOnlyList<Server>> FeedAsync(DockerEngine first, DockerEngine second)
    {
        await first.RemoveAllContainersAsync();
        await second.RemoveAllContainersAsync();
        try
        {
            (string Host, DockerEngine Engine, int PerGather)[] servers = _prometheus
                ? [(ShardA, first, await RunMetricsOnlyAsync(first)), (ShardB, second, await RunMetricsOnlyAsync(second))]
                :
                [
                    (ShardA, first, await RunAsync(first, DockerEngine.RestOnJvbSite, DockerEngine.JicofoSite, DockerEngine.JicofoDebugPayload)),
                    (ShardB, second, await RunAsync(second, ColibriEra.Before2024.Fixture, DockerEngine.SecondShardJicofoSite, DockerEngine.SecondShardDebugPayload)),
                ];
            string[] schema = _prometheus ? ["--metrics_schema", "prometheus"] : [];
            var fed = await TelegrafExecd.GatherTogetherAsync(
                Influx,
                [.. servers.Select(server => (server.Host, (string[])["--endpoint", server.Engine.Endpoint, "--self_measurement", "execd_jvb", .. schema], server.PerGather))],
                Gathers,
                Wait);
            return [.. fed.Select(one => new Server(one.Host, one.Printed, one.Written))];
        }
        finally
        {
            await first.RemoveAllContainersAsync();
            await second.RemoveAllContainersAsync();
        }
    }

    /// <summary>
    /// Runs one server's JVB, Jicofo, Jigasi and Prosody; returns the points its plugin writes per gather: the JVB,
    /// Jicofo's stats and its view of the fleet, Jigasi, Prosody and the plugin's own point.
    /// </summary>
    private static async Task<int> RunAsync(DockerEngine engine, string jvbSite, string jicofoSite, string debugPayload)
    {
        await DockerJitsiMeet.RunJvbAsync(engine, FreePort.Next(), jvbSite);
        await DockerJitsiMeet.RunJicofoAsync(engine, FreePort.Next(), jicofoSite);
        await DockerJitsiMeet.RunJigasiAsync(engine, FreePort.Next());
        await DockerJitsiMeet.RunProsodyAsync(engine, FreePort.Next());
        return 4 + DockerJitsiMeet.JicofoFleetPointCount(debugPayload) + ProsodyPoints;
    }

    /// <summary>
    /// Runs one server whose JVB (colibri off) and Jicofo (no /stats, no /debug) serve /metrics; returns the points its
    /// plugin writes per gather with metrics_schema = "prometheus": each one's healthy and the points Telegraf's
    /// inputs.prometheus gives for its /metrics (their goldens have one a line), Jigasi, Prosody and the plugin's own.
    /// </summary>
    private static async Task<int> RunMetricsOnlyAsync(DockerEngine engine)
    {
        await DockerJitsiMeet.RunJvbAsync(engine, FreePort.Next(), DockerEngine.RestOffJvbSite);
        await DockerJitsiMeet.RunJicofoAsync(engine, FreePort.Next(), DockerEngine.MetricsOnlyJicofoSite);
        await DockerJitsiMeet.RunJigasiAsync(engine, FreePort.Next());
        await DockerJitsiMeet.RunProsodyAsync(engine, FreePort.Next());
        int jvb = File.ReadAllLines(TestData.PathOf("jvb-metrics", "metrics-2.3.168.prometheus.out")).Length;
        int jicofo = File.ReadAllLines(TestData.PathOf("jicofo", "metrics-stable-jitsi-meet_11146.prometheus.out")).Length;
        return 1 + jvb + 1 + jicofo + 1 + ProsodyPoints + 1;
    }

    /// <summary>One server: its agent's host name, the lines its plugin printed and the lines its agent wrote (host tag added).</summary>
    internal sealed record Server(string Host, IReadOnlyList<string> Printed, IReadOnlyList<string> Written);
}

/// <summary>
/// The two servers of <see cref="TwoServerFeed"/>, each plugin run with metrics_schema = "prometheus", each server's JVB
/// read from /metrics (colibri off, docker-jitsi-meet's default) and its Jicofo serving /metrics only (its /stats and
/// /debug answer 404): jitsi_jvb_* and jitsi_jicofo_* beside each one's healthy, Jigasi's, Prosody's and the plugin's own.
/// Both servers serve the same payloads (one /metrics capture of each), so only their host tells their series apart.
/// </summary>
public sealed class PrometheusTwoServerFeed() : TwoServerFeed(prometheus: true);
