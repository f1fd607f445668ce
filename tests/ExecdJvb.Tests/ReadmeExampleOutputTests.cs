using System.Collections;
using System.Text;
using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The README's Example Output, the whole example lines of plugin/Jitsi/README.md it links to, and the --discover and
/// --once lines of the README's Troubleshooting are what the plugin prints:
/// each is produced here by the real code in process (App.RunAsync, as Program.cs runs it) on a docker-jitsi-meet
/// host as the README describes it, a Docker API stand-in listing the JVB and Jicofo containers with their ports
/// published on 127.0.0.1, a JVB server on 127.0.0.1 serving the JVB 2.3.168 fixtures and, for Jicofo (whose REST API
/// is off by default), a port that accepts and closes at once as Docker's port proxy does when nothing listens inside,
/// and compared with the documents' text. Timestamps aside; the ports are written as 8080 and 8888, the ports
/// docker-jitsi-meet publishes.
/// </summary>
public sealed partial class ReadmeExampleOutputTests : IAsyncDisposable
{
    private const string ContainerId = "9c1f0e8d7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
    private const string JicofoId = "3b2a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b";
    private static readonly byte[] Colibri = TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json");
    private static readonly byte[] Metrics = TestData.Bytes("jvb-metrics", "metrics-2.3.168.txt");

    private readonly JvbHttpServer _jvb = new(StubResponse.NotFound());
    private readonly JvbHttpServer _jicofo = new(_ => StubResponse.Hangup());
    private readonly JvbHttpServer _docker;

    public ReadmeExampleOutputTests()
    {
        _jvb.Route("/about/health", new StubResponse(200, "OK", [], "application/json"));
        _jvb.Route("/about/version", StubResponse.Json(TestData.Bytes("jvb", "about-version.json")));
        _jvb.Route("/metrics", new StubResponse(200, "OK", Metrics, "text/plain; version=0.0.4; charset=utf-8"));
        _docker = new JvbHttpServer(target => target.Contains("/containers/json", StringComparison.Ordinal)
            ? StubResponse.Json(DockerJitsiMeetList(_jvb.Port, _jicofo.Port))
            : StubResponse.NotFound());
    }

    public async ValueTask DisposeAsync()
    {
        await _docker.DisposeAsync();
        await _jvb.DisposeAsync();
        await _jicofo.DisposeAsync();
    }

    [Fact]
    public async Task The_first_example_is_what_once_prints_for_a_JVB_with_colibri_on_healthy_and_version_included()
    {
        _jvb.Response = StubResponse.Json(Colibri);

        (int exitCode, string stdout, _) = await RunAsync("--once");

        Assert.Equal(0, exitCode);
        Assert.Equal(WithoutTimestamps(ExampleBlock(0)), WithoutTimestamps(stdout));
        Assert.Contains(" healthy=1,", ExampleBlock(0), StringComparison.Ordinal);
        Assert.Contains(",version=2.3.168-g28674f78 ", ExampleBlock(0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shortened_example_from_metrics_shows_fields_of_what_once_prints_with_colibri_off_in_their_order()
    {
        (int exitCode, string stdout, _) = await RunAsync("--once");

        Assert.Equal(0, exitCode);
        AssertShortened(Assert.Single(Lines(ExampleBlock(1))), Assert.Single(Lines(stdout)));
    }

    [Fact]
    public async Task The_readme_example_shows_a_line_per_measurement_once_prints_with_some_of_its_fields_in_their_order()
    {
        _jvb.Response = StubResponse.Json(Colibri);

        (int exitCode, string stdout, _) = await RunAsync("--once", "--self_measurement", "execd_jvb");

        Assert.Equal(0, exitCode);
        string[] shown = Lines(ReadmeExample());
        string[] written = Lines(stdout);
        Assert.Equal(written.Select(line => Split(line).Series), shown.Select(line => Split(line).Series));
        Assert.Equal(["jitsi_stats", "execd_jvb"], shown.Select(line => line[..line.IndexOf(',', StringComparison.Ordinal)]));
        foreach ((string line, string writtenLine) in shown.Zip(written))
        {
            AssertShortened(line, writtenLine);
        }
    }

    [Fact]
    public async Task The_prometheus_schema_example_lines_are_lines_once_prints_in_their_order()
    {
        (int exitCode, string stdout, _) = await RunAsync("--once", "--metrics_schema", "prometheus");

        Assert.Equal(0, exitCode);
        string[] shown = Lines(WithoutTimestamps(ExampleBlock(2)));
        string[] written = Lines(WithoutTimestamps(stdout));
        Assert.Equal(written[0], shown[0]);
        int next = 0;
        foreach (string line in shown)
        {
            int at = Array.IndexOf(written, line, next);
            Assert.True(at >= 0, $"the README shows a line that is not written (in this order): {line}");
            next = at + 1;
        }
    }

    [Fact]
    public async Task The_troubleshooting_transcript_is_what_discover_prints_and_what_once_logs_on_a_stock_docker_jitsi_meet()
    {
        (string discoverShown, string onceShown) = Transcript();

        (int discoverExit, string discovered, _) = await RunAsync("--discover");
        (int onceExit, _, string logged) = await RunAsync("--once");

        Assert.Equal(0, discoverExit);
        Assert.Equal(discoverShown, discovered);
        Assert.Equal(0, onceExit);
        Assert.Equal(onceShown, logged);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        // This machine's own loopback is not part of the host the README describes: what may listen there is left out.
        int exitCode = await App.RunAsync([.. args, "--endpoint", _docker.Endpoint, "--loopback", "false"], new Hashtable(), NoStdin.Input, stdout, stderr, CancellationToken.None);
        return (exitCode, AsPublished(Encoding.UTF8.GetString(stdout.ToArray())), AsPublished(stderr.ToString()));
    }

    /// <summary>The test servers' ports as the README writes them: docker-jitsi-meet's 127.0.0.1:8080 and 127.0.0.1:8888.</summary>
    private string AsPublished(string text) => text
        .Replace($"127.0.0.1:{_jvb.Port}", "127.0.0.1:8080", StringComparison.Ordinal)
        .Replace($"127.0.0.1:{_jicofo.Port}", "127.0.0.1:8888", StringComparison.Ordinal);

    /// <summary>The Nth text block of the Example output section of plugin/Jitsi/README.md, which the README links to for whole lines.</summary>
    private static string ExampleBlock(int index)
    {
        IReadOnlyList<string> blocks = MarkdownFile.Blocks(MarkdownFile.At("plugin", "Jitsi", "README.md").Section("Example output"), "text");
        Assert.True(blocks.Count > index, $"plugin/Jitsi/README.md's Example output has {blocks.Count} text blocks, not {index + 1}");
        Assert.Contains("](plugin/Jitsi/README.md#example-output)", MarkdownFile.Readme.Section("Example Output"), StringComparison.Ordinal);
        return blocks[index];
    }

    /// <summary>The one text block of the README's Example Output section.</summary>
    private static string ReadmeExample() => Assert.Single(MarkdownFile.Blocks(MarkdownFile.Readme.Section("Example Output"), "text"));

    /// <summary>
    /// A line shortened with "…" shows a written line: the same measurement and tags, its first and last field, and the
    /// fields it shows among the written ones in their order.
    /// </summary>
    private static void AssertShortened(string shownLine, string writtenLine)
    {
        (string series, string[] fields) = Split(shownLine);
        (string writtenSeries, string[] written) = Split(writtenLine);
        Assert.Equal(writtenSeries, series);
        Assert.Contains("…", fields);
        Assert.Equal(written[0], fields[0]);
        Assert.Equal(written[^1], fields[^1]);
        int next = 0;
        foreach (string field in fields.Where(field => field != "…"))
        {
            int at = Array.IndexOf(written, field, next);
            Assert.True(at >= 0, $"the example shows {field}, which is not among the fields written after {(next > 0 ? written[next - 1] : "the tags")}: {writtenLine}");
            next = at + 1;
        }
    }

    /// <summary>The Troubleshooting block "$ execd-jvb --discover …, $ execd-jvb --once …": what each command prints there.</summary>
    private static (string Discover, string Once) Transcript()
    {
        string block = MarkdownFile.Blocks(MarkdownFile.Readme.Section("Troubleshooting"), "text")
            .Single(text => text.StartsWith("$ execd-jvb --discover\n", StringComparison.Ordinal));
        Match parts = TranscriptParts().Match(block);
        Assert.True(parts.Success, $"not a --discover, then --once transcript: {block}");
        return (parts.Groups["discover"].Value, parts.Groups["once"].Value);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string WithoutTimestamps(string lines) => Timestamp().Replace(lines, string.Empty);

    /// <summary>A line's measurement and tags, and its fields; escaped commas or spaces do not occur in these lines.</summary>
    private static (string Series, string[] Fields) Split(string line)
    {
        string[] parts = line.Split(' ');
        Assert.Equal(3, parts.Length);
        return (parts[0], parts[1].Split(','));
    }

    /// <summary>GET /containers/json on a docker-jitsi-meet host: the jvb and jicofo services, their REST ports published on 127.0.0.1.</summary>
    private static string DockerJitsiMeetList(int publishedPort, int jicofoPort) => $$$"""
        [{"Id":"{{{ContainerId}}}","Names":["/docker-jitsi-meet-jvb-1"],"Image":"jitsi/jvb:stable-9779",
          "ImageID":"sha256:5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6","Command":"/init","Created":1718780000,
          "Ports":[{"IP":"0.0.0.0","PrivatePort":10000,"PublicPort":10000,"Type":"udp"},
                   {"IP":"127.0.0.1","PrivatePort":8080,"PublicPort":{{{publishedPort}}},"Type":"tcp"}],
          "Labels":{"com.docker.compose.project":"docker-jitsi-meet","com.docker.compose.service":"jvb"},
          "State":"running","Status":"Up 2 hours","HostConfig":{"NetworkMode":"docker-jitsi-meet_meet.jitsi"},
          "NetworkSettings":{"Networks":{"docker-jitsi-meet_meet.jitsi":{"IPAddress":"172.18.0.5"} } },"Mounts":[]},
         {"Id":"{{{JicofoId}}}","Names":["/docker-jitsi-meet-jicofo-1"],"Image":"jitsi/jicofo:stable-9779",
          "ImageID":"sha256:7e2c5a1b9d3f4e6a8c0b2d4f6e8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a","Command":"/init","Created":1718780000,
          "Ports":[{"IP":"127.0.0.1","PrivatePort":8888,"PublicPort":{{{jicofoPort}}},"Type":"tcp"}],
          "Labels":{"com.docker.compose.project":"docker-jitsi-meet","com.docker.compose.service":"jicofo"},
          "State":"running","Status":"Up 2 hours","HostConfig":{"NetworkMode":"docker-jitsi-meet_meet.jitsi"},
          "NetworkSettings":{"Networks":{"docker-jitsi-meet_meet.jitsi":{"IPAddress":"172.18.0.4"} } },"Mounts":[]}]
        """;

    [GeneratedRegex(@" [0-9]+$", RegexOptions.Multiline)]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"^\$ execd-jvb --discover\n(?<discover>(?:[^$][^\n]*\n)+)\$ execd-jvb --once[^\n]*\n(?<once>(?:[^$][^\n]*\n)+)$")]
    private static partial Regex TranscriptParts();
}
