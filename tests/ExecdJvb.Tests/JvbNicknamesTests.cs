using System.Text;

namespace ExecdJvb.Tests;

/// <summary>
/// Which JVB container a bridge of Jicofo's /debug is, against a stand-in Docker API on 127.0.0.1 that also serves the
/// components it lists (host network, each on the stand-in's port): the list's ID prefix, else the nickname an inspect
/// gives (JVB_MUC_NICKNAME, else HOSTNAME, as docker-jitsi-meet's jvb.conf takes it); how often Docker is asked; and
/// inspect answers that go wrong. Nicknames are those of the payload generated from Jicofo's source, written here.
/// </summary>
public sealed class JvbNicknamesTests : IAsyncDisposable
{
    private const string JvbId = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
    private const string OtherJvbId = "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9";
    private const string JicofoId = "0d1e2f3a4b5c6d7e8f9a0b1c4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
    private const string SecondJicofoId = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d";
    private const string Jvb = "docker-jitsi-meet-jvb-1";
    private const string Jicofo = "docker-jitsi-meet-jicofo-1";
    private const string Payload = "debug-stable-jitsi-meet_11146.json";

    // The nicknames of the three bridges of the payload (its SOURCES.md: one reporting every stat, one without stats
    // yet whose nickname is a UUID, as on a Debian install, one in graceful shutdown).
    private static readonly string[] PayloadBridges = ["7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6", "jvb-eu-1a", "jvb-eu-2b"];

    private readonly JvbHttpServer _server = new(StubResponse.NotFound());
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();

    public JvbNicknamesTests()
    {
        _server.Route("/colibri/stats", StubResponse.Json("""{"conferences":0}"""));
        _server.Route("/stats", StubResponse.Json(TestData.Bytes("jicofo", "stats-master.json")));
        _server.Route("/about/version", StubResponse.Json(TestData.Bytes("jicofo", "about-version.json")));
        _server.Route("/debug", StubResponse.Json(TestData.Bytes("jicofo", Payload)));
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("4f1c2d3e4f5a", null, "4f1c2d3e4f5a")]
    [InlineData("vm", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|JVB_AUTH_PASSWORD=s3cret", "vm")]
    [InlineData("vm", "JVB_MUC_NICKNAME=jvb-eu-2b|PATH=/usr/bin", "jvb-eu-2b")]
    [InlineData("vm", "HOSTNAME=jvb-eu-1a", "jvb-eu-1a")]
    [InlineData("vm", "JVB_MUC_NICKNAME=|HOSTNAME=jvb-eu-1a", "jvb-eu-1a")]
    [InlineData("vm", "JVB_MUC_NICKNAME=", "vm")]
    [InlineData("vm", "JVB_MUC_NICKNAME=jvb-a|JVB_MUC_NICKNAME=jvb-b", "jvb-b")]
    [InlineData("vm", "JVB_MUC_NICKNAMES=jvb-a|XJVB_MUC_NICKNAME=jvb-b|JVB_MUC_NICKNAME", "vm")]
    [InlineData("", "", null)]
    [InlineData(null, null, null)]
    public void The_nickname_is_JVB_MUC_NICKNAME_else_HOSTNAME_else_the_containers_hostname(string? hostname, string? env, string? nickname)
    {
        var config = new DockerContainerConfig("ghcr.io/jitsi/jvb:stable-11146", hostname, env?.Split('|', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(nickname, JvbNicknames.NicknameOf(config));
    }

    [Fact]
    public async Task A_bridge_Jicofo_names_by_a_JVB_containers_hostname_carries_its_name_and_the_container_is_inspected_once()
    {
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        Inspect(JvbId, hostname: "jvb-eu-1a");
        using DockerTargets docker = Docker();
        Gatherer gatherer = NewGatherer(docker);

        for (int gather = 0; gather < 3; gather++)
        {
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(gatherer));

            Assert.Equal(PayloadBridges, Bridges(points).Keys.Order(StringComparer.Ordinal));
            Assert.Equal(new Dictionary<string, string?> { ["7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"] = null, ["jvb-eu-1a"] = Jvb, ["jvb-eu-2b"] = null }, Bridges(points));
        }

        Assert.Equal(3, _server.RequestsTo("/containers/json"));
        Assert.Equal(1, _server.RequestsTo($"/containers/{JvbId}/json"));
        Assert.Equal(0, _server.RequestsTo($"/containers/{JicofoId}/json"));
        Assert.DoesNotContain(StderrLines(), line => line.StartsWith("W! ", StringComparison.Ordinal) || line.StartsWith("E! ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bridge_Jicofo_names_by_a_JVB_containers_ID_prefix_carries_its_name_without_an_inspect()
    {
        // Docker's default hostname, as docker-jitsi-meet's JVB on its own network has: the ID's first 12 hex digits.
        string payload = Encoding.UTF8.GetString(TestData.Bytes("jicofo", "debug-stable-jitsi-meet_11146-no-detectors.json"))
            .Replace("/jvb-eu-1a\"", "/4f1c2d3e4f5a\"", StringComparison.Ordinal);
        _server.Route("/debug", StubResponse.Json(payload));
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        using DockerTargets docker = Docker();
        Gatherer gatherer = NewGatherer(docker);

        for (int gather = 0; gather < 2; gather++)
        {
            DecodedPoint bridge = Assert.Single(LineProtocolDecoder.Decode(await GatherAsync(gatherer)), point => point.Measurement == "jicofo_bridge");
            Assert.Equal(
                [new("container_name", Jicofo), new("jvb", "4f1c2d3e4f5a"), new("jvb_container_name", Jvb), new("region", "eu-central-1"), new("relay_id", "10.0.1.21"), new("version", "2.3.209-g5e7b2bd")],
                bridge.Tags);
        }

        Assert.Equal(0, _server.RequestsTo($"/containers/{JvbId}/json"));
    }

    [Fact]
    public async Task JVB_MUC_NICKNAME_in_the_containers_environment_names_the_bridge_and_its_hostname_does_not()
    {
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        Inspect(JvbId, hostname: "jvb-eu-1a", env: ["JVB_MUC_NICKNAME=jvb-eu-2b", "XMPP_SERVER=xmpp.meet.jitsi"]);
        using DockerTargets docker = Docker();

        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(NewGatherer(docker)));

        Assert.Equal(new Dictionary<string, string?> { ["7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"] = null, ["jvb-eu-1a"] = null, ["jvb-eu-2b"] = Jvb }, Bridges(points));
    }

    [Fact]
    public async Task Bridges_on_other_hosts_cost_one_inspect_per_local_JVB_and_then_the_list_alone()
    {
        // The local JVB's nickname is the host's hostname (host network): no bridge of the payload is it.
        ServeDocker([(JvbId, Jvb, "jvb"), (OtherJvbId, "docker-jitsi-meet-jvb-2", "jvb"), (JicofoId, Jicofo, "jicofo"), (SecondJicofoId, "docker-jitsi-meet-jicofo-2", "jicofo")]);
        Inspect(JvbId, hostname: "vm");
        Inspect(OtherJvbId, hostname: "vm-2");
        using DockerTargets docker = Docker();
        Gatherer gatherer = NewGatherer(docker);

        for (int gather = 0; gather < 4; gather++)
        {
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(gatherer));
            Assert.Equal(2 * PayloadBridges.Length, points.Count(point => point.Measurement == "jicofo_bridge"));
            Assert.DoesNotContain(points, point => point.Tags.Any(tag => tag.Key == "jvb_container_name"));
        }

        Assert.Equal(4, _server.RequestsTo("/containers/json"));
        Assert.Equal(1, _server.RequestsTo($"/containers/{JvbId}/json"));
        Assert.Equal(1, _server.RequestsTo($"/containers/{OtherJvbId}/json"));
    }

    [Fact]
    public async Task A_JVB_container_gone_is_forgotten_and_a_new_one_of_that_name_is_inspected()
    {
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        Inspect(JvbId, hostname: "jvb-eu-1a");
        Inspect(OtherJvbId, hostname: "jvb-eu-2b");
        using DockerTargets docker = Docker();
        Gatherer gatherer = NewGatherer(docker);

        Assert.Equal(Jvb, Bridges(LineProtocolDecoder.Decode(await GatherAsync(gatherer)))["jvb-eu-1a"]);

        // Recreated (docker compose up after an image update): the same name, a new ID and another hostname.
        ServeDocker([(OtherJvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        Assert.Equal(new Dictionary<string, string?> { ["7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"] = null, ["jvb-eu-1a"] = null, ["jvb-eu-2b"] = Jvb }, Bridges(LineProtocolDecoder.Decode(await GatherAsync(gatherer))));

        // The first one started again: what was learnt of it went with it, so it is asked again.
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        Assert.Equal(Jvb, Bridges(LineProtocolDecoder.Decode(await GatherAsync(gatherer)))["jvb-eu-1a"]);
        Assert.Equal(Jvb, Bridges(LineProtocolDecoder.Decode(await GatherAsync(gatherer)))["jvb-eu-1a"]);

        Assert.Equal(2, _server.RequestsTo($"/containers/{JvbId}/json"));
        Assert.Equal(1, _server.RequestsTo($"/containers/{OtherJvbId}/json"));
    }

    [Theory]
    [InlineData(500, """{"message":"container inspect failed"}""", "Docker at tcp://127.0.0.1:{port} answered HTTP 500: {\"message\":\"container inspect failed\"}")]
    [InlineData(200, "[1,2,3]", "Docker at tcp://127.0.0.1:{port} does not answer like the Docker API (")]
    [InlineData(200, "{\"Config\":{\"Hostname\":4}}", "Docker at tcp://127.0.0.1:{port} does not answer like the Docker API (")]
    [InlineData(200, "<html>not Docker</html>", "Docker at tcp://127.0.0.1:{port} does not answer like the Docker API (")]
    public async Task An_inspect_that_fails_for_good_is_one_warning_the_points_are_still_written_and_it_is_not_asked_again(int status, string body, string cause)
    {
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        _server.Route($"/containers/{JvbId}/json", new StubResponse(status, status == 200 ? "OK" : "Internal Server Error", Encoding.UTF8.GetBytes(body)));
        using DockerTargets docker = Docker();
        Gatherer gatherer = NewGatherer(docker);

        for (int gather = 0; gather < 3; gather++)
        {
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(gatherer));
            Assert.Equal(new Dictionary<string, string?> { ["7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"] = null, ["jvb-eu-1a"] = null, ["jvb-eu-2b"] = null }, Bridges(points));
            Assert.Single(points, point => point.Measurement == "jitsi_stats");
        }

        Assert.Equal(1, _server.RequestsTo($"/containers/{JvbId}/json"));
        string warning = Assert.Single(StderrLines(), line => !line.StartsWith("I! ", StringComparison.Ordinal));
        string expected = $"W! JVB {Jvb}: inspecting its container for its brewery nickname failed: {cause.Replace("{port}", _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}";
        Assert.StartsWith(expected, warning);
        Assert.EndsWith("; a jicofo_bridge point names it in jvb_container_name only while Jicofo knows it by its ID's first 12 hex digits", warning);
    }

    [Fact]
    public async Task An_inspect_without_a_hostname_is_one_warning_and_not_asked_again()
    {
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo")]);
        _server.Route($"/containers/{JvbId}/json", StubResponse.Json($$$"""{"Id":"{{{JvbId}}}","Config":{"Image":"ghcr.io/jitsi/jvb:stable-11146"} }"""));
        using DockerTargets docker = Docker();
        Gatherer gatherer = NewGatherer(docker);

        for (int gather = 0; gather < 2; gather++)
        {
            Assert.Equal(3, LineProtocolDecoder.Decode(await GatherAsync(gatherer)).Count(point => point.Measurement == "jicofo_bridge"));
        }

        Assert.Equal(1, _server.RequestsTo($"/containers/{JvbId}/json"));
        Assert.Equal(
            $"W! JVB {Jvb}: Docker's inspect of its container names no hostname; a jicofo_bridge point names it in jvb_container_name only while Jicofo knows it by its ID's first 12 hex digits",
            Assert.Single(StderrLines(), line => !line.StartsWith("I! ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_inspect_that_times_out_is_asked_again_on_a_later_gather_but_once_a_gather_though_two_Jicofos_ask()
    {
        ServeDocker([(JvbId, Jvb, "jvb"), (JicofoId, Jicofo, "jicofo"), (SecondJicofoId, "docker-jitsi-meet-jicofo-2", "jicofo")]);
        string inspect = $"/containers/{JvbId}/json";
        _server.Route(inspect, new StubResponse(200, "OK", """{"Config":{"Hostname":"jvb-eu-1a"}}"""u8.ToArray(), Delay: TimeSpan.FromSeconds(2)));
        using DockerTargets docker = Docker(TimeSpan.FromMilliseconds(300));
        Gatherer gatherer = NewGatherer(docker);

        for (int gather = 0; gather < 2; gather++)
        {
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(gatherer));
            Assert.Equal(2 * PayloadBridges.Length, points.Count(point => point.Measurement == "jicofo_bridge"));
            Assert.DoesNotContain(points, point => point.Tags.Any(tag => tag.Key == "jvb_container_name"));
        }

        int timedOut = _server.RequestsTo(inspect);
        Inspect(JvbId, hostname: "jvb-eu-1a");
        for (int gather = 0; gather < 2; gather++)
        {
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(gatherer));
            Assert.Equal(2, points.Count(point => point.Tags.Contains(new("jvb_container_name", Jvb))));
        }

        Assert.Equal(2, timedOut);
        Assert.Equal(3, _server.RequestsTo(inspect));
        Assert.DoesNotContain(StderrLines(), line => line.StartsWith("W! ", StringComparison.Ordinal) || line.StartsWith("E! ", StringComparison.Ordinal));
    }

    /// <summary>Bridge nickname → its jvb_container_name tag (null when it has none), for the points of one Jicofo.</summary>
    private static Dictionary<string, string?> Bridges(IEnumerable<DecodedPoint> points) =>
        points.Where(point => point.Measurement == "jicofo_bridge" && point.Tags.Contains(new("container_name", Jicofo)))
            .ToDictionary(point => point.Tags.Single(tag => tag.Key == "jvb").Value, point => point.Tags.Where(tag => tag.Key == "jvb_container_name").Select(tag => tag.Value).SingleOrDefault());

    /// <summary>GET /containers/json as dockerd writes it: each container on the host network, on the stand-in's port.</summary>
    private void ServeDocker(IEnumerable<(string Id, string Name, string Service)> containers)
    {
        string entries = string.Join(",", containers.Select(c => $$$"""
            {"Id":"{{{c.Id}}}","Names":["/{{{c.Name}}}"],"Image":"ghcr.io/jitsi/{{{c.Service}}}:stable-11146","ImageID":"sha256:0123456789abcdef",
             "Command":"/init","Created":1732500000,"Ports":[],
             "Labels":{"com.docker.compose.project":"docker-jitsi-meet","com.docker.compose.service":"{{{c.Service}}}","execd-jvb.port":"{{{_server.Port}}}"},
             "State":"running","Status":"Up 2 hours","HostConfig":{"NetworkMode":"host"},
             "NetworkSettings":{"Networks":{"host":{"IPAddress":""} } },"Mounts":[]}
            """));
        _server.Route("/containers/json", StubResponse.Json($"[{entries}]"));
    }

    /// <summary>GET /containers/{id}/json as dockerd writes it, in part.</summary>
    private void Inspect(string id, string hostname, string[]? env = null)
    {
        string variables = string.Join(",", (env ?? []).Append($"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Select(variable => $"\"{variable}\""));
        _server.Route($"/containers/{id}/json", StubResponse.Json($$$"""
            {"Id":"{{{id}}}","Created":"2026-08-20T08:00:00.000000000Z","Path":"/init","Args":[],
             "State":{"Status":"running","Running":true,"Pid":4242},"Name":"/{{{Jvb}}}","RestartCount":0,
             "HostConfig":{"NetworkMode":"host"},
             "Config":{"Hostname":"{{{hostname}}}","Domainname":"","User":"","Env":[{{{variables}}}],"Cmd":null,
                       "Image":"ghcr.io/jitsi/jvb:stable-11146","Labels":{"com.docker.compose.service":"jvb"} } }
            """));
    }

    private DockerTargets Docker(TimeSpan? timeout = null)
    {
        var log = new StderrLog(_stderr, debug: false);
        return new DockerTargets(
            new Uri(_server.Endpoint),
            null,
            timeout ?? TimeSpan.FromSeconds(5),
            ContainerSelection.BuiltIn,
            new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"),
            log,
            new TargetStateLog(log));
    }

    private Gatherer NewGatherer(ITargetSource targets)
    {
        var log = new StderrLog(_stderr, debug: false);
        var settings = new PluginSettings { JicofoFleet = true, TagVersion = false };
        return new Gatherer(targets, new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), settings, new TargetStateLog(log), log, _clock);
    }

    private static async Task<string> GatherAsync(Gatherer gatherer) =>
        await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));

    private string[] StderrLines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
