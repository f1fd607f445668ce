using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The two options for alerting: report_unreachable (a component found but silent is healthy=0 in its measurement)
/// and self_measurement (the plugin's own point per gather); with neither, the output is what it is without them.
/// </summary>
public sealed class SelfMeasurementTests : IAsyncDisposable
{
    private static readonly byte[] Colibri = TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json");

    private readonly JvbHttpServer _answering = new(StubResponse.Json(Colibri));
    private readonly JvbHttpServer _silent = new(StubResponse.NotFound());
    private readonly JvbHttpServer _notFound = new(StubResponse.NotFound());
    private readonly JvbHttpServer _html = new(new StubResponse(200, "OK", "<html><body>login</body></html>"u8.ToArray(), "text/html"));
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();

    public async ValueTask DisposeAsync()
    {
        await _answering.DisposeAsync();
        await _silent.DisposeAsync();
        await _notFound.DisposeAsync();
        await _html.DisposeAsync();
    }

    [Theory]
    [InlineData("colibri/stats", "jitsi_stats")]
    [InlineData("stats", "jicofo_stats")]
    [InlineData("about/stats", "jigasi_stats")]
    public async Task A_silent_component_is_healthy_0_in_its_measurement_with_report_unreachable_and_nothing_without(string path, string measurement)
    {
        await _silent.StopAsync();
        string url = $"http://127.0.0.1:{_silent.Port}/{path}";

        string reported = await GatherAsync([url], new PluginSettings { ReportUnreachable = true });
        string quiet = await GatherAsync([url], new PluginSettings());

        Assert.Equal($"{measurement},url={url} healthy=0 1717243200000000000\n", reported);
        Assert.Empty(quiet);
    }

    [Fact]
    public async Task A_component_that_answers_with_an_error_is_not_unreachable()
    {
        string reported = await GatherAsync([_notFound.StatsUrl, _html.StatsUrl], new PluginSettings { ReportUnreachable = true });

        Assert.Empty(reported);
    }

    [Fact]
    public async Task The_plugins_own_point_counts_targets_found_and_answered_and_the_failures_by_kind()
    {
        await _silent.StopAsync();
        string[] urls = [_answering.StatsUrl, _silent.StatsUrl, _notFound.StatsUrl, _html.StatsUrl];

        string written = await GatherAsync(urls, new PluginSettings { SelfMeasurement = "execd_jvb" });
        string withJicofo = await GatherAsync([.. urls, $"http://127.0.0.1:{_answering.Port}/stats"], new PluginSettings { SelfMeasurement = "execd_jvb" });

        DecodedPoint self = LineProtocolDecoder.Decode(written).Single(point => point.Measurement == "execd_jvb");
        Assert.Equal([new("source", "urls")], self.Tags);
        Assert.Equal(
            ["targets_found", "targets_answered", "jvbs_found", "jvbs_answered", "failures_docker", "failures_connect", "failures_http", "failures_unreadable", "gather_seconds"],
            self.Fields.Select(field => field.Key));
        Assert.Equal([4.0, 1.0, 4.0, 1.0, 0.0, 1.0, 1.0, 1.0], self.Fields.Take(8).Select(field => field.Value));
        Assert.InRange((double)self.Fields[8].Value, 0.0, 30.0);
        Assert.Single(LineProtocolDecoder.Decode(written), point => point.Measurement == "jitsi_stats");

        // A Jicofo that answers counts among the targets, not among the JVBs.
        DecodedPoint both = LineProtocolDecoder.Decode(withJicofo).Single(point => point.Measurement == "execd_jvb");
        Assert.Equal([5.0, 2.0, 4.0, 1.0], both.Fields.Take(4).Select(field => field.Value));
    }

    [Fact]
    public async Task Without_the_options_the_output_is_byte_for_byte_what_it_is_with_them_less_their_points()
    {
        await _silent.StopAsync();
        string[] urls = [_answering.StatsUrl, _silent.StatsUrl, _notFound.StatsUrl, _html.StatsUrl];

        string plain = await GatherAsync(urls, new PluginSettings());
        string both = await GatherAsync(urls, new PluginSettings { ReportUnreachable = true, SelfMeasurement = "execd_jvb" });

        string[] extra = [$"jitsi_stats,url={_silent.StatsUrl} healthy=0 1717243200000000000"];
        Assert.Equal(plain, string.Concat(both.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("execd_jvb,", StringComparison.Ordinal) && !extra.Contains(line))
            .Select(line => line + "\n")));
        Assert.Single(both.Split('\n'), line => line.StartsWith("execd_jvb,source=urls ", StringComparison.Ordinal));
        Assert.Contains(extra[0] + "\n", both, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gather_whose_Docker_does_not_answer_still_writes_the_plugins_own_point()
    {
        var log = new StderrLog(_stderr, debug: false);
        string socket = Path.Combine(Path.GetTempPath(), $"no-docker-{Guid.NewGuid():N}.sock");
        using var docker = new DockerTargets(new Uri($"unix://{socket}"), null, TimeSpan.FromSeconds(2), ContainerSelection.BuiltIn,
            new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"), log, new TargetStateLog(log));
        var gatherer = new Gatherer(docker, new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), new PluginSettings { SelfMeasurement = "execd_jvb" }, new TargetStateLog(log), log, _clock);

        string written = await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));

        DecodedPoint self = Assert.Single(LineProtocolDecoder.Decode(written));
        Assert.Equal([new("source", "discovery")], self.Tags);
        Assert.Equal(1.0, self.Fields.Single(field => field.Key == "failures_docker").Value);
        Assert.Equal(0.0, self.Fields.Single(field => field.Key == "docker_answered").Value);
        Assert.Equal(0.0, self.Fields.Single(field => field.Key == "targets_found").Value);
    }

    [Fact]
    public void The_options_are_read_and_a_measurement_line_protocol_cannot_carry_is_refused()
    {
        PluginSettings set = SettingsLoader.Load(CommandLine.Parse(["--report_unreachable", "true", "--self_measurement", "execd_jvb"]), new System.Collections.Hashtable());
        PluginSettings unset = SettingsLoader.Load(CommandLine.Parse([]), new System.Collections.Hashtable());
        ConfigurationException refused = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(CommandLine.Parse(["--self_measurement", "#execd"]), new System.Collections.Hashtable()));

        Assert.True(set.ReportUnreachable);
        Assert.Equal("execd_jvb", set.SelfMeasurement);
        Assert.False(unset.ReportUnreachable);
        Assert.Null(unset.SelfMeasurement);
        Assert.StartsWith("invalid self_measurement \"#execd\": expected a name such as execd_jvb", refused.Message, StringComparison.Ordinal);
    }

    private async Task<string> GatherAsync(string[] urls, PluginSettings settings)
    {
        var log = new StderrLog(_stderr, debug: false);
        var gatherer = new Gatherer(new StaticTargets([.. urls.Select(url => new Uri(url))]), new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), settings with { TagVersion = false }, new TargetStateLog(log), log, _clock);
        return await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));
    }
}
