using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The published binary under the execd contract against docker-jitsi-meet's Prosody on a private dockerd, named and
/// labelled as its compose file names it, beside its JVB, found with no configuration but the Docker socket. The
/// Prosody answers /metrics with what a real Prosody 0.12.3 answered, status line, headers and body as captured.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ProsodyDiscoveryTests(DockerEngineFixture fixture) : IAsyncLifetime
{
    private const string OpenMetricsContentType = "application/openmetrics-text; version=0.0.4";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly DockerEngine _docker = fixture.Engine;

    public Task InitializeAsync() => _docker.RemoveAllContainersAsync();

    public Task DisposeAsync() => _docker.RemoveAllContainersAsync();

    [Fact]
    public async Task One_trigger_writes_Prosodys_OpenMetrics_as_Telegraf_writes_them_with_its_container_name_and_its_host_labels_as_xmpp_host_beside_the_JVB()
    {
        int jvbPort = FreePort.Next(), prosodyPort = FreePort.Next();
        await DockerJitsiMeet.RunJvbAsync(_docker, jvbPort);
        string prosody = await DockerJitsiMeet.RunProsodyAsync(_docker, prosodyPort);
        byte[] capture = TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt");

        // The stand-in answers as Prosody did: its Content-Type exactly, and the captured body byte for byte.
        (string head, byte[] body) = await RawGetAsync(prosodyPort, "/metrics");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Single(head.Split("\r\n"), line => line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"\r\nContent-Type: {OpenMetricsContentType}\r\n", head, StringComparison.Ordinal);
        Assert.Equal(capture, body);

        DecodedTag[] tags = [new("container_name", DockerJitsiMeet.Prosody)];
        int prosodyPoints = Telegrafs(tags, 0).Count;
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint]);

        IReadOnlyList<string> lines = await plugin.GatherAsync(1 + prosodyPoints, Wait);

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(lines, plugin.StdoutLines);
        Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(Assert.Single(lines, line => line.StartsWith("jitsi_stats,", StringComparison.Ordinal))));
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.DecodeLines(lines);
        Assert.Single(points.Select(p => p.Time).Distinct());

        // Every other line is a point Telegraf's OpenMetrics parser gives for the capture.
        string[] written = [.. lines.Where(line => !line.StartsWith("jitsi_stats,", StringComparison.Ordinal))];
        Assert.All(written, line => Assert.StartsWith("prosody_", line, StringComparison.Ordinal));
        Assert.Equal(TelegrafGolden.Normalized(Telegrafs(tags, points[0].Time)), TelegrafGolden.Normalized(LineProtocolDecoder.DecodeLines(written)));
        Assert.Contains(written, line => line.StartsWith($"prosody_mod_c2s__connections,container_name={DockerJitsiMeet.Prosody},ip_family=ipv4,type=c2s,xmpp_host=meet.jitsi gauge=1 ", StringComparison.Ordinal));
        Assert.Contains(written, line => line.StartsWith($"prosody_mod_muc__live_room,container_name={DockerJitsiMeet.Prosody},xmpp_host=muc.meet.jitsi gauge=1 ", StringComparison.Ordinal));
        Assert.All(points.Where(p => p.Measurement.StartsWith("prosody_", StringComparison.Ordinal)), p => Assert.Contains(new DecodedTag("container_name", DockerJitsiMeet.Prosody), p.Tags));

        Assert.Equal(
            [
                $"I! found JVB {DockerJitsiMeet.Jvb} at http://127.0.0.1:{jvbPort}/colibri/stats (host network)",
                $"I! found Prosody {DockerJitsiMeet.Prosody} at http://127.0.0.1:{prosodyPort}/metrics (host network)",
            ],
            plugin.StderrLines.Order(StringComparer.Ordinal));

        // Prosody serves no /about: it was asked for /metrics only (once by this test, once by the gather).
        Assert.Equal(["/metrics", "/metrics"], await _docker.RequestedPathsAsync(prosody));
    }

    [Theory]
    [InlineData(DockerEngine.ForbiddenProsodySite, "HTTP/1.1 403 Forbidden", "W! Prosody docker-jitsi-meet-prosody-1: HTTP 403 Forbidden: Prosody answers /metrics only to the addresses in PROSODY_METRICS_ALLOWED_CIDR")]
    [InlineData(DockerEngine.NoMetricsProsodySite, "HTTP/1.1 404 Not Found", "W! Prosody docker-jitsi-meet-prosody-1: HTTP 404 Not Found: Prosody serves /metrics only with PROSODY_ENABLE_METRICS=true")]
    public async Task A_Prosody_that_refuses_its_metrics_is_one_warning_naming_the_setting_across_triggers_and_the_JVB_is_still_written(string site, string statusLine, string warningStart)
    {
        const int Triggers = 4;
        int prosodyPort = FreePort.Next();
        await DockerJitsiMeet.RunJvbAsync(_docker, FreePort.Next());
        string prosody = await DockerJitsiMeet.RunProsodyAsync(_docker, prosodyPort, site);
        (string head, _) = await RawGetAsync(prosodyPort, "/metrics");
        Assert.StartsWith(statusLine + "\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: text/html; charset=utf-8\r\n", head, StringComparison.Ordinal);
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint]);

        var lines = new List<string>();
        for (int i = 0; i < Triggers; i++)
        {
            lines.AddRange(await plugin.GatherAsync(1, Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(lines, plugin.StdoutLines);
        Assert.All(lines, line => Assert.Equal(DockerJitsiMeet.JvbLine(), TrimTime(line)));

        string warning = Assert.Single(plugin.StderrLines, line => !line.StartsWith("I! ", StringComparison.Ordinal));
        Assert.StartsWith(warningStart, warning, StringComparison.Ordinal);
        Assert.Contains($"I! found Prosody {DockerJitsiMeet.Prosody} at http://127.0.0.1:{prosodyPort}/metrics (host network)", plugin.StderrLines);
        Assert.Equal(3, plugin.StderrLines.Count);

        // Asked once by this test, then once per gather.
        Assert.Equal(Enumerable.Repeat("/metrics", 1 + Triggers), await _docker.RequestedPathsAsync(prosody));
    }

    /// <summary>What Telegraf's OpenMetrics parser gives for the capture (its golden), tagged as this plugin tags the container.</summary>
    private static IReadOnlyList<DecodedPoint> Telegrafs(DecodedTag[] tags, long time) =>
        TelegrafGolden.Points("prosody", ["prosody", "metrics-0.12.3-openmetrics.openmetrics.out"], tags, time);

    /// <summary>One GET on 127.0.0.1, as raw bytes: the status line and headers as text, and the body.</summary>
    private static async Task<(string Head, byte[] Body)> RawGetAsync(int port, string path)
    {
        using var client = new TcpClient();
        using var deadline = new CancellationTokenSource(Wait);
        await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"), deadline.Token);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, deadline.Token);
        byte[] all = answer.ToArray();
        int end = all.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "the answer has no end of headers");
        return (Encoding.ASCII.GetString(all, 0, end + 2), all[(end + 4)..]);
    }

    private static string TrimTime(string line) => line[..line.LastIndexOf(' ')];
}
