using System.Text;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The published binary under the execd contract against a docker-jitsi-meet-like deployment on a private dockerd:
/// a JVB, a Jicofo and a Jigasi named and labelled as its compose file names them, found with no configuration but
/// the Docker socket.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ComponentDiscoveryTests(DockerEngineFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly DockerEngine _docker = fixture.Engine;

    public Task InitializeAsync() => _docker.RemoveAllContainersAsync();

    public Task DisposeAsync() => _docker.RemoveAllContainersAsync();

    [Fact]
    public async Task One_trigger_on_a_docker_jitsi_meet_deployment_writes_one_point_per_component_with_its_payloads_numbers()
    {
        int jvbPort = FreePort.Next(), jicofoPort = FreePort.Next(), jigasiPort = FreePort.Next();
        await DockerJitsiMeet.RunJvbAsync(_docker, jvbPort);
        string jicofo = await DockerJitsiMeet.RunJicofoAsync(_docker, jicofoPort);
        string jigasi = await DockerJitsiMeet.RunJigasiAsync(_docker, jigasiPort);
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint]);

        (int bridges, int jibris, int jigasis) = DockerJitsiMeet.JicofoFleetPoints();
        IReadOnlyList<string> lines = await plugin.GatherAsync(3 + bridges + jibris + jigasis, Wait);

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(lines, plugin.StdoutLines);
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.DecodeLines(lines);
        Assert.Equal(
            ["jicofo_stats", "jigasi_stats", "jitsi_stats"],
            points.Select(p => p.Measurement).Where(m => !m.StartsWith("jicofo_", StringComparison.Ordinal) || m == "jicofo_stats").Order(StringComparer.Ordinal));

        // Jicofo's view of the fleet, from its /debug, with its container's name.
        Assert.Equal(bridges, points.Count(p => p.Measurement == "jicofo_bridge"));
        Assert.Equal(jibris, points.Count(p => p.Measurement == "jicofo_jibri"));
        Assert.Equal(jigasis, points.Count(p => p.Measurement == "jicofo_jigasi"));
        Assert.All(points.Where(p => p.Measurement is "jicofo_bridge" or "jicofo_jibri" or "jicofo_jigasi"), p => Assert.Contains(new DecodedTag("container_name", DockerJitsiMeet.Jicofo), p.Tags));
        Assert.Single(points.Select(p => p.Time).Distinct());

        // Each with the values the payload holds; no bridge of it is the JVB here (its nickname would be this host's name).
        var jicofoTag = new DecodedTag("container_name", DockerJitsiMeet.Jicofo);
        (DecodedPoint[] expectedBridges, DecodedPoint[] expectedJibris, DecodedPoint[] expectedJigasis) =
            FleetPayload.Points(TestData.Bytes("jicofo", DockerEngine.JicofoDebugPayload), jicofoTag, DockerJitsiMeet.VersionOf("jicofo"), points[0].Time);
        (string[] writtenBridges, string[] writtenJibris, string[] writtenJigasis) = FleetPayload.Written(points, jicofoTag);
        Assert.Equal(FleetPayload.Texts(expectedBridges), writtenBridges);
        Assert.Equal(FleetPayload.Texts(expectedJibris), writtenJibris);
        Assert.Equal(FleetPayload.Texts(expectedJigasis), writtenJigasis);

        Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(Assert.Single(lines, line => line.StartsWith("jitsi_stats,", StringComparison.Ordinal))));

        DecodedPoint jicofoPoint = points.Single(p => p.Measurement == "jicofo_stats");
        Assert.Equal([new("container_name", DockerJitsiMeet.Jicofo), new("version", DockerJitsiMeet.VersionOf("jicofo"))], jicofoPoint.Tags);
        Assert.Equal(DockerJitsiMeet.JicofoFields(), jicofoPoint.Fields);
        Assert.Equal(new DecodedField("healthy", 1.0), jicofoPoint.Fields[0]);

        DecodedPoint jigasiPoint = points.Single(p => p.Measurement == "jigasi_stats");
        Assert.Equal([new("container_name", DockerJitsiMeet.Jigasi), new("version", DockerJitsiMeet.VersionOf("jigasi"))], jigasiPoint.Tags);
        Assert.Equal(DockerJitsiMeet.JigasiFields(), jigasiPoint.Fields);

        Assert.Equal(
            [
                $"I! found JVB {DockerJitsiMeet.Jvb} at http://127.0.0.1:{jvbPort}/colibri/stats (host network)",
                $"I! found Jicofo {DockerJitsiMeet.Jicofo} at http://127.0.0.1:{jicofoPort}/stats (host network)",
                $"I! found Jigasi {DockerJitsiMeet.Jigasi} at http://127.0.0.1:{jigasiPort}/about/stats (host network)",
            ],
            plugin.StderrLines.Order(StringComparer.Ordinal));

        // Jicofo is asked for its stats, health, version and debug state; Jigasi for its stats, health (404: off) and version.
        Assert.Equal(["/about/health", "/about/version", "/debug", "/stats"], (await _docker.RequestedPathsAsync(jicofo)).Order(StringComparer.Ordinal));
        Assert.Equal(["/about/health", "/about/stats", "/about/version"], (await _docker.RequestedPathsAsync(jigasi)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_JVB_Docker_runs_on_the_hosts_port_8080_is_read_once_as_its_container_never_again_through_the_loopback()
    {
        // Host network mode on the JVB's own port: the container is also what answers on this host's 127.0.0.1:8080.
        string jvb = await DockerJitsiMeet.RunJvbAsync(_docker, 8080);
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint]);

        var lines = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            lines.AddRange(await plugin.GatherAsync(1, Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(lines, plugin.StdoutLines);
        Assert.All(lines, line => Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(line)));
        Assert.DoesNotContain(plugin.StderrLines, line => line.Contains("127.0.0.1:8080 at", StringComparison.Ordinal) && !line.Contains(DockerJitsiMeet.Jvb, StringComparison.Ordinal));

        // Its version document was asked once, for the version tag: never to prove it on the loopback.
        Assert.Equal(1, (await _docker.RequestedPathsAsync(jvb)).Count(path => path == "/about/version"));
    }

    [Fact]
    public async Task Components_jvb_writes_for_the_whole_deployment_byte_for_byte_what_the_JVB_alone_gives()
    {
        int jvbPort = FreePort.Next();
        await DockerJitsiMeet.RunJvbAsync(_docker, jvbPort);
        (IReadOnlyList<string> alone, IReadOnlyList<string> aloneStderr) = await OneTriggerAsync(["--endpoint", _docker.Endpoint]);

        string jicofo = await DockerJitsiMeet.RunJicofoAsync(_docker, FreePort.Next());
        string jigasi = await DockerJitsiMeet.RunJigasiAsync(_docker, FreePort.Next());
        (IReadOnlyList<string> narrowed, IReadOnlyList<string> narrowedStderr) = await OneTriggerAsync(["--endpoint", _docker.Endpoint, "--components", "jvb"]);

        Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(Assert.Single(alone)));
        Assert.Equal(TrimTime(alone[0]), TrimTime(Assert.Single(narrowed)));
        Assert.Matches("^[0-9]{19}$", narrowed[0][(narrowed[0].LastIndexOf(' ') + 1)..]);
        Assert.Equal([$"I! found JVB {DockerJitsiMeet.Jvb} at http://127.0.0.1:{jvbPort}/colibri/stats (host network)"], aloneStderr);
        Assert.Equal(aloneStderr, narrowedStderr);
        Assert.Empty(await _docker.RequestedPathsAsync(jicofo));
        Assert.Empty(await _docker.RequestedPathsAsync(jigasi));
    }

    [Fact]
    public async Task A_Jicofo_whose_REST_API_is_off_is_one_warning_across_triggers_and_the_JVB_is_still_written()
    {
        const int Triggers = 5;
        int jicofoPort = FreePort.Next();
        await DockerJitsiMeet.RunJvbAsync(_docker, FreePort.Next());
        await DockerJitsiMeet.RunJicofoWithoutRestAsync(_docker, jicofoPort);
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint]);

        var lines = new List<string>();
        for (int i = 0; i < Triggers; i++)
        {
            lines.AddRange(await plugin.GatherAsync(1, Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(lines, plugin.StdoutLines);
        Assert.All(lines, line => Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(line)));
        Assert.Equal(Triggers, LineProtocolDecoder.DecodeLines(lines).Count);

        string warning = Assert.Single(plugin.StderrLines, line => !line.StartsWith("I! ", StringComparison.Ordinal));
        Assert.Equal($"W! Jicofo {DockerJitsiMeet.Jicofo}: connection refused (is it running and listening on that port?): Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)", warning);
        Assert.Contains($"I! found Jicofo {DockerJitsiMeet.Jicofo} at http://127.0.0.1:{jicofoPort}/stats (host network)", plugin.StderrLines);
        Assert.Equal(3, plugin.StderrLines.Count);
    }

    [Fact]
    public async Task A_Jicofo_whose_stats_answer_404_is_read_from_its_metrics_in_the_prometheus_schema()
    {
        const int Triggers = 3;
        int jvbPort = FreePort.Next(), jicofoPort = FreePort.Next();
        await DockerJitsiMeet.RunJvbAsync(_docker, jvbPort);
        string jicofo = await DockerJitsiMeet.RunJicofoAsync(_docker, jicofoPort, DockerEngine.MetricsOnlyJicofoSite);
        DecodedTag[] tags = [new("container_name", DockerJitsiMeet.Jicofo), new("version", DockerJitsiMeet.VersionOf("jicofo"))];
        int perGather = 2 + Telegrafs(tags, 0).Count;
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint]);

        var batches = new List<List<string>>();
        for (int i = 0; i < Triggers; i++)
        {
            batches.Add([.. await plugin.GatherAsync(perGather, Wait)]);
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(batches.SelectMany(batch => batch), plugin.StdoutLines);
        foreach (List<string> batch in batches)
        {
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.DecodeLines(batch);
            Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(Assert.Single(batch, line => line.StartsWith("jitsi_stats,", StringComparison.Ordinal))));
            Assert.Equal($"jicofo_stats,container_name={DockerJitsiMeet.Jicofo},version={tags[1].Value} healthy=1", TrimTime(Assert.Single(batch, line => line.StartsWith("jicofo_stats,", StringComparison.Ordinal))));
            DecodedPoint[] jicofoPoints = [.. points.Where(p => p.Measurement.StartsWith("jitsi_jicofo_", StringComparison.Ordinal))];
            Assert.Equal(perGather - 2, jicofoPoints.Length);
            Assert.Equal(TelegrafGolden.Normalized(Telegrafs(tags, points[0].Time)), TelegrafGolden.Normalized(jicofoPoints));
        }

        Assert.Equal(
            [
                $"I! Jicofo {DockerJitsiMeet.Jicofo}: /debug answers 404, so the bridges, Jibris and Jigasis it knows are not written: its debug routes are off (jicofo.rest.debug.enabled = false in jicofo.conf); asked again in an hour (or set jicofo_fleet = false)",
                $"I! Jicofo {DockerJitsiMeet.Jicofo}: /stats answers 404, so http://127.0.0.1:{jicofoPort}/metrics is read instead",
                $"I! found JVB {DockerJitsiMeet.Jvb} at http://127.0.0.1:{jvbPort}/colibri/stats (host network)",
                $"I! found Jicofo {DockerJitsiMeet.Jicofo} at http://127.0.0.1:{jicofoPort}/stats (host network)",
            ],
            plugin.StderrLines.Order(StringComparer.Ordinal));

        IReadOnlyList<string> paths = await _docker.RequestedPathsAsync(jicofo);
        Assert.Equal(1, paths.Count(p => p == "/stats"));
        Assert.Equal(Triggers, paths.Count(p => p == "/metrics"));
        Assert.Equal(Triggers, paths.Count(p => p == "/about/health"));
        Assert.Equal(1, paths.Count(p => p == "/about/version"));
        // Its debug routes are off: asked once, then not again within the hour.
        Assert.Equal(1, paths.Count(p => p == "/debug"));
        Assert.Equal(3 + (2 * Triggers), paths.Count);
    }

    /// <summary>What Telegraf's inputs.prometheus gives for Jicofo's /metrics payload (its golden), tagged as this plugin tags the container.</summary>
    private static IReadOnlyList<DecodedPoint> Telegrafs(DecodedTag[] tags, long time) =>
        TelegrafGolden.Points("jicofo", ["jicofo", "metrics-stable-jitsi-meet_11146.prometheus.out"], tags, time);

    private static async Task<(IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> OneTriggerAsync(string[] args)
    {
        await using ExecdProcess plugin = ExecdProcess.Start(args);
        await plugin.TriggerAsync();
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        return (plugin.StdoutLines, plugin.StderrLines);
    }

    private static string TrimTime(string line) => line[..line.LastIndexOf(' ')];
}
