namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The published binary against JVB containers on a private dockerd, found by discovery: a stock docker-jitsi-meet
/// JVB (colibri REST API off, so /colibri/stats answers 404) read from /metrics, and the requests each endpoint got,
/// counted from the containers' own httpd logs.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class MetricsSourceTests(DockerEngineFixture fixture) : IAsyncLifetime
{
    private const string Version = "2.3.168-g28674f78";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly DockerEngine _docker = fixture.Engine;

    public Task InitializeAsync() => _docker.RemoveAllContainersAsync();

    public Task DisposeAsync() => _docker.RemoveAllContainersAsync();

    [Fact]
    public async Task On_a_stock_docker_jitsi_meet_JVB_auto_writes_colibris_fields_and_values_from_metrics_and_asks_colibri_only_once()
    {
        const int Gathers = 5;
        int port = FreePort.Next();
        string container = await _docker.RunLoggingJvbAsync("docker-jitsi-meet-jvb-1", port, DockerEngine.RestOffJvbSite, "--label", "com.docker.compose.service=jvb");
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint, "--address", "host"]);

        var lines = new List<string>();
        for (int i = 0; i < Gathers; i++)
        {
            lines.AddRange(await plugin.GatherAsync(1, Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(
            [
                $"I! found JVB docker-jitsi-meet-jvb-1 at http://127.0.0.1:{port}/colibri/stats (host network)",
                $"I! JVB docker-jitsi-meet-jvb-1: /colibri/stats answers 404 (its colibri REST API is off, as COLIBRI_REST_ENABLED=false on docker-jitsi-meet), so http://127.0.0.1:{port}/metrics is read instead",
            ],
            plugin.StderrLines);
        Assert.Equal(Gathers, plugin.StdoutLines.Count);

        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode(lines[0] + "\n"));
        Assert.Equal("jitsi_stats", point.Measurement);
        Assert.Equal([new("container_name", "docker-jitsi-meet-jvb-1"), new("version", Version)], point.Tags);
        Assert.Equal(new DecodedField("healthy", 1.0), point.Fields[0]);

        // The seed's line for the same JVB state, from the colibri fixture through Telegraf's json parser rules: each of
        // its fields is written from /metrics with its value, but for those colibri computes from no metric.
        DecodedPoint colibri = Assert.Single(LineProtocolDecoder.Decode(TestData.Bytes("golden", "colibri-stats-2.3.168-stable-9779.out")));
        Dictionary<string, object> written = point.Fields.ToDictionary(f => f.Key, f => f.Value);
        string[] unavailable = [.. ColibriKeysWithoutMetric.All.Select(f => f.Field)];
        foreach (DecodedField expected in colibri.Fields.Where(f => !unavailable.Contains(f.Key)))
        {
            Assert.True(written.TryGetValue(expected.Key, out object? value), $"{expected.Key} is missing");
            Assert.Equal(expected.Value, value);
        }

        Assert.Equal(["average_participant_stress"], colibri.Fields.Select(f => f.Key).Where(key => !written.ContainsKey(key)));

        IReadOnlyList<string> paths = await _docker.RequestedPathsAsync(container);
        Assert.Equal(1, paths.Count(p => p == "/colibri/stats"));
        Assert.Equal(Gathers, paths.Count(p => p == "/metrics"));
        Assert.Equal(Gathers, paths.Count(p => p == "/about/health"));
        Assert.Equal(1, paths.Count(p => p == "/about/version"));
        Assert.Equal(2 + (2 * Gathers), paths.Count);
    }

    [Fact]
    public async Task The_version_is_read_once_per_container_and_once_again_for_the_container_that_replaces_it()
    {
        int firstPort = FreePort.Next();
        string first = await _docker.RunLoggingJvbAsync("wa-jitsi-jvb", firstPort, DockerEngine.RestOnJvbSite);
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint, "--address", "host"]);
        for (int i = 0; i < 3; i++)
        {
            await plugin.TriggerAsync();
            Assert.StartsWith($"jitsi_stats,container_name=wa-jitsi-jvb,version={Version} healthy=1,average_participant_stress=0.01,", await plugin.NextStdoutLineAsync(Wait));
        }

        IReadOnlyList<string> firstPaths = await _docker.RequestedPathsAsync(first);
        await _docker.DockerAsync("rm", "-f", "wa-jitsi-jvb");
        string second = await _docker.RunLoggingJvbAsync("wa-jitsi-jvb", FreePort.Next(), DockerEngine.RestOnJvbSite);
        for (int i = 0; i < 3; i++)
        {
            await plugin.TriggerAsync();
            Assert.StartsWith($"jitsi_stats,container_name=wa-jitsi-jvb,version={Version} healthy=1,", await plugin.NextStdoutLineAsync(Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        IReadOnlyList<string> secondPaths = await _docker.RequestedPathsAsync(second);
        foreach (IReadOnlyList<string> paths in new[] { firstPaths, secondPaths })
        {
            Assert.Equal(1, paths.Count(p => p == "/about/version"));
            Assert.Equal(3, paths.Count(p => p == "/colibri/stats"));
            Assert.Equal(3, paths.Count(p => p == "/about/health"));
            Assert.DoesNotContain("/metrics", paths);
        }

        Assert.DoesNotContain(plugin.StderrLines, line => !line.StartsWith("I! ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_prometheus_schema_the_binary_writes_what_inputs_prometheus_writes_plus_one_health_point()
    {
        int port = FreePort.Next();
        await _docker.RunLoggingJvbAsync("docker-jitsi-meet-jvb-1", port, DockerEngine.RestOffJvbSite);
        await using ExecdProcess once = ExecdProcess.Start(["--once", "--endpoint", _docker.Endpoint, "--address", "host", "--metrics_schema", "prometheus"]);

        Assert.Equal(0, await once.WaitForExitAsync(Wait));

        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(string.Join('\n', once.StdoutLines) + "\n");
        DecodedTag[] tags = [new("container_name", "docker-jitsi-meet-jvb-1"), new("version", Version)];
        IReadOnlyList<DecodedPoint> expected = TelegrafGolden.Points("jvb", ["jvb-metrics", "metrics-2.3.168.prometheus.out"], tags, points[0].Time);

        Assert.Equal($"jitsi_stats,container_name=docker-jitsi-meet-jvb-1,version={Version} healthy=1", once.StdoutLines[0][..once.StdoutLines[0].LastIndexOf(' ')]);
        Assert.Equal(TelegrafGolden.Normalized(expected), TelegrafGolden.Normalized(points.Skip(1)));
        Assert.All(points, point => Assert.Equal(points[0].Time, point.Time));
    }
}
