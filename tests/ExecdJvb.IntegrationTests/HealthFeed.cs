namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A private influxd of its own (so the JVB feed's server list is not changed) holding what a setup run for alerting
/// writes: the published plugin under the Telegraf-like harness with <c>report_unreachable = true</c> and
/// <c>self_measurement = "execd_jvb"</c>, for <see cref="Gathers"/> gathers, from two Telegraf hosts:
/// <list type="bullet">
/// <item><see cref="DiscoveryHost"/>: Docker discovery of JVBs finds docker-jitsi-meet's JVB, which answers, and a
/// second JVB container with nothing listening (healthy=0);</item>
/// <item><see cref="UrlsHost"/>: the answering JVB listed in urls (its points carry url, not container_name).</item>
/// </list>
/// The database is fed once, by the first test that asks; the containers are removed afterwards.
/// </summary>
public sealed class HealthFeed : IAsyncLifetime
{
    internal const string DiscoveryHost = "health.example.org";
    internal const string UrlsHost = "health-urls.example.org";
    private const int Gathers = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _once = new(1, 1);
    private InfluxDb? _influx;
    private Fed? _fed;

    internal InfluxDb Influx => _influx ?? throw new InvalidOperationException("influxd did not start");

    /// <summary>The JVB container whose port has nothing listening.</summary>
    internal static string Silent => DockerJitsiMeet.ContainerName("jvb").Replace("-1", "-2", StringComparison.Ordinal);

    public async Task InitializeAsync() => _influx = await InfluxDb.StartAsync();

    public async Task DisposeAsync()
    {
        _once.Dispose();
        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }

    /// <summary>What the database holds; fed on the first call.</summary>
    internal async Task<Fed> FedAsync(DockerEngine engine)
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

    private async Task<Fed> FeedAsync(DockerEngine engine)
    {
        await engine.RemoveAllContainersAsync();
        try
        {
            int port = FreePort.Next();
            await DockerJitsiMeet.RunJvbAsync(engine, port);
            await engine.RunAsync(["--name", Silent, "--network", "host", "--label", $"execd-jvb.port={FreePort.Next()}", .. DockerJitsiMeet.ComposeLabels("jvb"), DockerEngine.GhcrJvbImage, "/bin/busybox", "sleep", "600"]);

            string[] alerting = ["--report_unreachable", "true", "--self_measurement", "execd_jvb"];
            await GatherAsync(DiscoveryHost, ["--endpoint", engine.Endpoint, "--components", "jvb", .. alerting], pointsPerGather: 3, warns: Silent);
            await GatherAsync(UrlsHost, ["--urls", $"http://127.0.0.1:{port}/colibri/stats", .. alerting], pointsPerGather: 2, warns: null);
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }

        return new Fed(
            [(DiscoveryHost, DockerJitsiMeet.Jvb, 1.0), (DiscoveryHost, Silent, 0.0), (UrlsHost, "", 1.0)],
            [
                new SelfPoint(DiscoveryHost, "discovery", new Dictionary<string, double> { ["targets_found"] = 2, ["targets_answered"] = 1, ["jvbs_found"] = 2, ["jvbs_answered"] = 1 }),
                new SelfPoint(UrlsHost, "urls", new Dictionary<string, double> { ["targets_found"] = 1, ["targets_answered"] = 1, ["jvbs_found"] = 1, ["jvbs_answered"] = 1 }),
            ]);
    }

    private async Task GatherAsync(string host, string[] args, int pointsPerGather, string? warns)
    {
        await using TelegrafExecd telegraf = TelegrafExecd.Start(args, Influx, host);
        for (int i = 1; i <= Gathers; i++)
        {
            await telegraf.IntervalAsync();
            Assert.True(await telegraf.WaitForPointsAsync(i * pointsPerGather, Wait), $"{host}: gather {i} did not write {pointsPerGather} points");
            await Task.Delay(10);
        }

        await telegraf.StopAsync();
        Assert.Empty(telegraf.FailedWrites);
        Assert.Empty(telegraf.UnprefixedStderr);
        Assert.Empty(telegraf.Stderr('E'));
        Assert.All(telegraf.Stderr('W'), line => Assert.StartsWith($"W! JVB {warns}: connection refused", line, StringComparison.Ordinal));
        Assert.Equal(warns is null ? 0 : 1, telegraf.Stderr('W').Count);
        Assert.False(telegraf.ExitedWhileRunning, $"{host}: the plugin exited while Telegraf was running it");
        Assert.Equal(Gathers * pointsPerGather, telegraf.PointsWritten);
    }

    /// <summary>The JVBs' healthy values by host and container_name (empty for the urls entry), and the plugin's own points.</summary>
    internal sealed record Fed(IReadOnlyList<(string Host, string ContainerName, double Healthy)> Jvbs, IReadOnlyList<SelfPoint> SelfPoints);

    /// <summary>The execd_jvb fields one plugin wrote at every gather, by its host and source tags.</summary>
    internal sealed record SelfPoint(string Host, string Source, IReadOnlyDictionary<string, double> Fields);
}
