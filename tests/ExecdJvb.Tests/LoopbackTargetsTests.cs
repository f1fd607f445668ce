using ExecdJvb.Discovery;
using ExecdJvb.Discovery.Loopback;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// Components installed on the host, each served on 127.0.0.1 (on a free port standing for its well-known one): a port
/// counts only when the component proves itself there, whatever else answers is never listed, and none is looked for
/// there while Docker runs Jitsi.
/// </summary>
public sealed class LoopbackTargetsTests : IAsyncDisposable
{
    private static readonly StubResponse JvbVersion = StubResponse.Json(TestData.Bytes("jvb", "about-version.json"));
    private static readonly StubResponse JicofoVersion = StubResponse.Json(TestData.Bytes("jicofo", "about-version.json"));

    private readonly JvbHttpServer _server = new(StubResponse.NotFound());
    private readonly StringWriter _stderr = new();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, string> Versions => new()
    {
        { "jvb", "jvb", "about-version.json" },
        { "jicofo", "jicofo", "about-version.json" },
        { "jigasi", "jigasi", "about-version.json" },
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public void A_component_whose_about_version_names_it_is_listed_with_a_url_tag_and_how_it_proved_itself(string key, string folder, string file)
    {
        _server.Route("/about/version", StubResponse.Json(TestData.Bytes(folder, file)));
        ComponentProfile profile = On(ComponentProfile.ByKey(key)!);

        ComponentTarget target = Assert.Single(Loopback(profile).Find(CancellationToken.None));

        Assert.Equal(profile, target.Profile);
        Assert.Equal($"http://127.0.0.1:{_server.Port}{profile.JsonStatsPath}", target.StatsUri.ToString());
        Assert.Equal([("url", target.StatsUri.ToString())], target.Tags.Select(tag => (tag.Key, tag.Value)));
        Assert.Equal($"127.0.0.1:{_server.Port}", target.Name);
        Assert.StartsWith("its /about/version names it ", target.Found, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestsTo("/metrics"));
    }

    [Theory]
    [InlineData("jvb", "jvb-metrics", "metrics-master.txt")]
    [InlineData("jicofo", "jicofo", "metrics-master.txt")]
    [InlineData("prosody", "prosody", "metrics-0.12.3-openmetrics.txt")]
    public void A_component_without_about_version_proves_itself_by_its_own_metric_families(string key, string folder, string file)
    {
        _server.Route("/metrics", new StubResponse(200, "OK", TestData.Bytes(folder, file), "text/plain; version=0.0.4"));

        ComponentTarget target = Assert.Single(Loopback(On(ComponentProfile.ByKey(key)!)).Find(CancellationToken.None));

        Assert.Equal($"its /metrics carries {ComponentProfile.ByKey(key)!.MetricsPrefix}* families", target.Found);
    }

    [Fact]
    public void Another_program_on_the_port_is_never_listed_said_once_at_debug_and_asked_again_only_after_a_while()
    {
        // Another JVM service on 8080 with a /metrics of its own and a version document naming itself.
        _server.Route("/about/version", StubResponse.Json("""{"name":"Keycloak","version":"24.0.1"}"""));
        _server.Route("/metrics", new StubResponse(200, "OK", "# TYPE jvm_threads_live gauge\njvm_threads_live 42\n"u8.ToArray(), "text/plain"));
        LoopbackTargets loopback = Loopback(On(ComponentProfile.Jvb), debug: true);

        for (int i = 0; i < 5; i++)
        {
            Assert.Empty(loopback.Find(CancellationToken.None));
        }

        Assert.Equal(1, _server.RequestsTo("/about/version"));
        Assert.Equal(1, _server.RequestsTo("/metrics"));
        Assert.Equal(
            [$"D! 127.0.0.1:{_server.Port} answers, but not as JVB (/about/version does not name it, /metrics has no jitsi_jvb_* family); it is not read"],
            Lines());
    }

    [Fact]
    public void A_version_document_of_another_component_does_not_prove_this_one()
    {
        _server.Route("/about/version", JicofoVersion);

        Assert.Empty(Loopback(On(ComponentProfile.Jvb)).Find(CancellationToken.None));
        Assert.Empty(Loopback(On(ComponentProfile.Jigasi)).Find(CancellationToken.None));
        Assert.Single(Loopback(On(ComponentProfile.Jicofo)).Find(CancellationToken.None));
    }

    [Fact]
    public async Task A_closed_port_is_nothing_and_costs_one_connection_attempt_per_gather_in_silence()
    {
        int port = _server.Port;
        await _server.StopAsync();
        LoopbackTargets loopback = Loopback(ComponentProfile.Jvb with { Port = port }, debug: true);

        Assert.Empty(loopback.Find(CancellationToken.None));
        Assert.Empty(loopback.Find(CancellationToken.None));

        Assert.Empty(Lines());
    }

    [Fact]
    public void A_proven_component_is_not_asked_to_prove_itself_again_until_it_gave_no_answer()
    {
        _server.Route("/about/version", JvbVersion);
        LoopbackTargets loopback = Loopback(On(ComponentProfile.Jvb));

        ComponentTarget first = Assert.Single(loopback.Find(CancellationToken.None));
        Assert.Single(loopback.Find(CancellationToken.None));
        Assert.Equal(1, _server.RequestsTo("/about/version"));

        // The JVB stopped and another program took the port: it is asked again, and not listed.
        loopback.Unanswered(first);
        _server.Route("/about/version", StubResponse.NotFound());
        Assert.Empty(loopback.Find(CancellationToken.None));
        Assert.Equal(2, _server.RequestsTo("/about/version"));
    }

    [Fact]
    public void Docker_that_has_never_answered_leaves_the_loopback_alone_to_say_which_components_there_are()
    {
        _server.Route("/about/version", JvbVersion);
        string socket = Path.Combine(Path.GetTempPath(), $"no-docker-{Guid.NewGuid():N}.sock");
        var log = new StderrLog(_stderr, debug: false);
        using var docker = new DockerTargets(new Uri($"unix://{socket}"), null, TimeSpan.FromSeconds(2), ContainerSelection.BuiltIn,
            new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"), log, new TargetStateLog(log), optional: true);
        var targets = new DeploymentTargets(docker, Loopback(On(ComponentProfile.Jvb)));

        ComponentTarget first = Assert.Single(targets.GetTargets(CancellationToken.None)!);
        ComponentTarget again = Assert.Single(targets.GetTargets(CancellationToken.None)!);

        Assert.Equal(first.Instance, again.Instance);
        Assert.Equal([$"I! no Docker at unix://{socket} (the socket does not exist), so Jitsi components are looked for on this host only"], Lines());
    }

    [Fact]
    public async Task A_Docker_that_runs_Jitsi_leaves_the_loopback_alone_and_an_outage_keeps_its_last_list()
    {
        _server.Route("/about/version", JvbVersion);
        await using var dockerApi = new JvbHttpServer(StubResponse.Json(JvbContainerList()));
        var log = new StderrLog(_stderr, debug: false);
        using var docker = new DockerTargets(new Uri($"tcp://127.0.0.1:{dockerApi.Port}"), null, TimeSpan.FromSeconds(2), ContainerSelection.BuiltIn,
            new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"), log, new TargetStateLog(log), optional: true);
        var targets = new DeploymentTargets(docker, Loopback(On(ComponentProfile.Jvb)));

        ComponentTarget fromDocker = Assert.Single(targets.GetTargets(CancellationToken.None)!);
        int port = dockerApi.Port;
        await dockerApi.StopAsync();
        IReadOnlyList<ComponentTarget>? duringOutage = targets.GetTargets(CancellationToken.None);

        Assert.Equal("docker-jitsi-meet-jvb-1", fromDocker.Name);
        Assert.Null(duringOutage);
        Assert.Equal(0, _server.Requests + _server.RequestsTo("/metrics"));
        Assert.Equal(0, _server.RequestsTo("/about/version"));
        Assert.Contains($"E! cannot reach Docker at tcp://127.0.0.1:{port}", string.Join('\n', Lines()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Docker_that_runs_no_Jitsi_container_leaves_the_components_to_the_loopback()
    {
        _server.Route("/about/version", JvbVersion);
        await using var dockerApi = new JvbHttpServer(StubResponse.Json("[]"));
        var log = new StderrLog(_stderr, debug: false);
        using var docker = new DockerTargets(new Uri($"tcp://127.0.0.1:{dockerApi.Port}"), null, TimeSpan.FromSeconds(2), ContainerSelection.BuiltIn,
            new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"), log, new TargetStateLog(log), optional: true);
        var targets = new DeploymentTargets(docker, Loopback(On(ComponentProfile.Jvb)));

        ComponentTarget found = Assert.Single(targets.GetTargets(CancellationToken.None)!);

        Assert.Equal($"127.0.0.1:{_server.Port}", found.Name);
        Assert.Equal(1, _server.RequestsTo("/about/version"));
    }

    private ComponentProfile On(ComponentProfile profile) => profile with { Port = _server.Port };

    private LoopbackTargets Loopback(ComponentProfile profile, bool debug = false) =>
        new(new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), [profile], new StderrLog(_stderr, debug));

    private string[] Lines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A JVB container in host network mode on another port than the loopback's JVB, as Docker lists it.</summary>
    private static string JvbContainerList() => """
        [{"Id":"5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f","Names":["/docker-jitsi-meet-jvb-1"],
          "Image":"jitsi/jvb:stable-9779","ImageID":"sha256:0123","Ports":[],
          "Labels":{"com.docker.compose.service":"jvb","execd-jvb.port":"1"},
          "State":"running","HostConfig":{"NetworkMode":"host"},"NetworkSettings":{"Networks":{"host":{"IPAddress":""} } }}]
        """;
}
