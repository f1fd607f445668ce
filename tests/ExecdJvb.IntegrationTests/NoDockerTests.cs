using System.Net.Sockets;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A Jitsi installed from its Debian packages: no Docker, each component on its well-known port of 127.0.0.1 (stand-ins
/// in process, serving the components' payloads), and the published binary run with no configuration at all, as
/// Telegraf's inputs.execd runs it.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class NoDockerTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly StubResponse HealthOk = new(200, "OK", [], "application/json");

    /// <summary>No DOCKER_HOST: the default socket, which is absent on a host without Docker (or a Docker with no Jitsi).</summary>
    private static readonly Dictionary<string, string> ZeroConfig = new() { ["DOCKER_HOST"] = string.Empty };

    private readonly List<JvbHttpServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (JvbHttpServer server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_Jitsi_installed_on_the_host_gives_jitsi_stats_jicofo_stats_and_jigasi_stats_with_zero_config()
    {
        JvbHttpServer jvb = On(8080, StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json")));
        jvb.Route("/about/health", HealthOk);
        jvb.Route("/about/version", StubResponse.Json(TestData.Bytes("jvb", "about-version.json")));
        JvbHttpServer jicofo = On(8888, StubResponse.Json(TestData.Bytes("jicofo", "stats-stable-jitsi-meet_11146.json")));
        jicofo.Route("/about/health", HealthOk);
        jicofo.Route("/about/version", StubResponse.Json(TestData.Bytes("jicofo", "about-version.json")));
        jicofo.Route("/debug", StubResponse.Json(TestData.Bytes("jicofo", DockerEngine.JicofoDebugPayload)));
        JvbHttpServer jigasi = On(8788, StubResponse.Json(TestData.Bytes("jigasi", "about-stats-master.json")));
        jigasi.Route("/about/version", StubResponse.Json(TestData.Bytes("jigasi", "about-version.json")));
        await using ExecdProcess plugin = ExecdProcess.Start([], ZeroConfig);

        var batches = new List<IReadOnlyList<DecodedPoint>>();
        for (int i = 0; i < 3; i++)
        {
            batches.Add(LineProtocolDecoder.DecodeLines(await plugin.GatherAsync(3 + DockerJitsiMeet.JicofoFleetPointCount(), Wait)));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        foreach (IReadOnlyList<DecodedPoint> batch in batches)
        {
            Assert.Equal(["jicofo_stats", "jigasi_stats", "jitsi_stats"], batch.Select(point => point.Measurement).Where(m => m is not ("jicofo_bridge" or "jicofo_jibri" or "jicofo_jigasi")).Order(StringComparer.Ordinal));
            Assert.Equal(DockerJitsiMeet.JicofoFleetPoints().Bridges, batch.Count(point => point.Measurement == "jicofo_bridge" && point.Tags.Contains(new("url", "http://127.0.0.1:8888/stats"))));
            var jicofoTag = new DecodedTag("url", "http://127.0.0.1:8888/stats");
            (DecodedPoint[] expectedBridges, DecodedPoint[] expectedJibris, DecodedPoint[] expectedJigasis) =
                FleetPayload.Points(TestData.Bytes("jicofo", DockerEngine.JicofoDebugPayload), jicofoTag, DockerJitsiMeet.VersionOf("jicofo"), batch[0].Time);
            (string[] writtenBridges, string[] writtenJibris, string[] writtenJigasis) = FleetPayload.Written(batch, jicofoTag);
            Assert.Equal(FleetPayload.Texts(expectedBridges), writtenBridges);
            Assert.Equal(FleetPayload.Texts(expectedJibris), writtenJibris);
            Assert.Equal(FleetPayload.Texts(expectedJigasis), writtenJigasis);
            DecodedPoint jvbPoint = batch.Single(point => point.Measurement == "jitsi_stats");
            Assert.Equal([new("url", "http://127.0.0.1:8080/colibri/stats"), new("version", DockerJitsiMeet.JvbVersion)], jvbPoint.Tags);
            Assert.Equal(LineProtocolDecoder.Decode(DockerJitsiMeet.JvbLine() + "\n").Single().Fields, jvbPoint.Fields);
            DecodedPoint jicofoPoint = batch.Single(point => point.Measurement == "jicofo_stats");
            Assert.Equal([new("url", "http://127.0.0.1:8888/stats"), new("version", DockerJitsiMeet.VersionOf("jicofo"))], jicofoPoint.Tags);
            Assert.Equal(DockerJitsiMeet.JicofoFields(), jicofoPoint.Fields);
            DecodedPoint jigasiPoint = batch.Single(point => point.Measurement == "jigasi_stats");
            Assert.Equal([new("url", "http://127.0.0.1:8788/about/stats"), new("version", DockerJitsiMeet.VersionOf("jigasi"))], jigasiPoint.Tags);
            Assert.Equal(DockerJitsiMeet.JigasiFields(), jigasiPoint.Fields);
        }

        // Each proved itself once, by its version document, and was then read once per gather.
        Assert.Equal(3, jvb.Requests);
        Assert.Equal(3, jicofo.Requests);
        Assert.Equal(3, jicofo.RequestsTo("/debug"));
        Assert.Equal(3, jigasi.Requests);
        Assert.All(plugin.StderrLines, line => Assert.StartsWith("I! ", line, StringComparison.Ordinal));
        Assert.Contains("I! found JVB 127.0.0.1:8080 at http://127.0.0.1:8080/colibri/stats (its /about/version names it JVB)", plugin.StderrLines);
        Assert.Contains("I! found Jicofo 127.0.0.1:8888 at http://127.0.0.1:8888/stats (its /about/version names it JiCoFo)", plugin.StderrLines);
        Assert.Contains("I! found Jigasi 127.0.0.1:8788 at http://127.0.0.1:8788/about/stats (its /about/version names it Jigasi)", plugin.StderrLines);
    }

    [Fact]
    public async Task Discover_lists_the_components_proven_on_the_host_and_says_where_it_looked_for_the_others()
    {
        JvbHttpServer jvb = On(8080, StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json")));
        jvb.Route("/about/version", StubResponse.Json(TestData.Bytes("jvb", "about-version.json")));
        JvbHttpServer other = On(8888, StubResponse.Json("""{"status":"ok"}"""));
        // A socket that does not exist, whatever Docker this machine runs: the host without Docker.
        var noDocker = new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix:///tmp/ejd-none-{Guid.NewGuid():N}/docker.sock" };
        await using ExecdProcess discover = ExecdProcess.Start(["--discover"], noDocker);

        Assert.Equal(0, await discover.WaitForExitAsync(Wait));

        Assert.Equal(
            [
                "JVB\t127.0.0.1:8080\t-\thttp://127.0.0.1:8080/colibri/stats\tits /about/version names it JVB",
                "Jicofo\t-\t-\t-\tno Docker; 127.0.0.1:8888 answers but not as Jicofo (/about/version answers HTTP 404 Not Found, /metrics answers HTTP 404 Not Found)",
                "Prosody\t-\t-\t-\tno Docker; nothing on 127.0.0.1:5280",
                "Jigasi\t-\t-\t-\tno Docker; nothing on 127.0.0.1:8788",
            ],
            discover.StdoutLines);
        Assert.Equal(0, jvb.Requests + other.Requests);
    }

    [Fact]
    public async Task Another_program_on_8080_that_even_answers_colibri_stats_with_JSON_is_never_written()
    {
        // An application server with a /metrics of its own and a JSON answer on every path, /colibri/stats too.
        JvbHttpServer other = On(8080, StubResponse.Json("""{"conferences":3,"status":"ok"}"""));
        other.Route("/metrics", new StubResponse(200, "OK", "# TYPE jvm_threads_live gauge\njvm_threads_live 42\n"u8.ToArray(), "text/plain; version=0.0.4"));
        other.Route("/about/version", StubResponse.Json("""{"name":"Tomcat","version":"10.1"}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--debug", "true"], ZeroConfig);

        for (int i = 0; i < 5; i++)
        {
            await plugin.TriggerAsync();
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Empty(plugin.StdoutLines);
        Assert.Equal(0, other.Requests);
        Assert.Equal(1, other.RequestsTo("/about/version"));
        Assert.Single(plugin.StderrLines, line => line == "D! 127.0.0.1:8080 answers, but not as JVB (/about/version does not name it, /metrics has no jitsi_jvb_* family); it is not read");
        Assert.DoesNotContain(plugin.StderrLines, line => line.StartsWith("W! ", StringComparison.Ordinal) || line.StartsWith("E! ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_JVB_that_stops_is_said_once_and_found_again_when_it_is_back_and_proves_itself_anew()
    {
        const string Stats = "http://127.0.0.1:8080/colibri/stats";
        JvbHttpServer jvb = On(8080, StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json")));
        jvb.Route("/about/version", StubResponse.Json(TestData.Bytes("jvb", "about-version.json")));
        await using ExecdProcess plugin = ExecdProcess.Start(["--components", "jvb"], ZeroConfig);

        await plugin.TriggerAsync();
        Assert.StartsWith($"jitsi_stats,url={Stats},version=", await plugin.NextStdoutLineAsync(Wait));

        // Proved by its version document, then asked it once more for the version tag.
        Assert.Equal(2, jvb.RequestsTo("/about/version"));
        await jvb.StopAsync();
        await plugin.TriggerAsync();
        Assert.Equal($"W! JVB 127.0.0.1:8080: connection refused (is it running and listening on that port?)", await plugin.WaitForStderrAsync("W! ", Wait));
        await plugin.TriggerAsync();
        Assert.Equal("I! JVB 127.0.0.1:8080 is gone; no Jitsi component found on this host's 127.0.0.1 (JVB 8080)", await plugin.WaitForStderrAsync("I! JVB", Wait));
        jvb.Restart();
        await plugin.TriggerAsync();
        Assert.Equal($"I! found JVB 127.0.0.1:8080 at {Stats} (its /about/version names it JVB)", await plugin.WaitForStderrAsync("I! found", Wait));
        Assert.StartsWith($"jitsi_stats,url={Stats},version=", await plugin.NextStdoutLineAsync(Wait));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);

        Assert.Equal(2, plugin.StdoutLines.Count);
        // Back, it proved itself again before it was read (the version tag may then be asked once more).
        Assert.InRange(jvb.RequestsTo("/about/version"), 3, 4);
        Assert.Single(plugin.StderrLines, line => line.StartsWith("W! ", StringComparison.Ordinal));
        Assert.Equal(2, plugin.StderrLines.Count(line => line.StartsWith("I! found JVB", StringComparison.Ordinal)));
    }

    private JvbHttpServer On(int port, StubResponse stats)
    {
        JvbHttpServer server;
        try
        {
            server = new JvbHttpServer(stats, port);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"127.0.0.1:{port} is taken by another program ({ex.Message}); these tests need the components' well-known ports free", ex);
        }

        _servers.Add(server);
        return server;
    }
}
