using System.Text;
using System.Text.Json;

namespace ExecdJvb.Tests;

/// <summary>
/// One gather in process for the components beside the JVB, each listed by its URL and served on 127.0.0.1: which
/// endpoints each is asked, and the measurement, tags and fields its answer gives.
/// </summary>
public sealed class ComponentGatherTests : IAsyncDisposable
{
    private static readonly byte[] JicofoStats = TestData.Bytes("jvb", "jicofo-stats-2020.json");
    private static readonly StubResponse HealthOk = new(200, "OK", [], "application/json");

    private readonly JvbHttpServer _server = new(StubResponse.NotFound());
    /// <summary>The gather time of <see cref="_clock"/>, in nanoseconds.</summary>
    private const long Timestamp = 1717243200000000000;

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Jicofos_stats_are_jicofo_stats_under_the_json_parser_rules_with_its_version_and_no_healthy_while_its_health_checks_are_off()
    {
        _server.Route("/stats", StubResponse.Json(JicofoStats));
        _server.Route("/about/version", StubResponse.Json("""{"name":"Jicofo","version":"1.0-1075-g3a7a7d5","os":"Linux"}"""u8.ToArray()));
        string url = $"{_server.BaseUrl}/stats";

        DecodedPoint point = Assert.Single(await GatherAsync(url));

        // The golden line is the json parser's for the same document (written as jitsi_stats with a url tag).
        DecodedPoint golden = Assert.Single(LineProtocolDecoder.Decode(TestData.Bytes("golden", "jicofo-stats-2020.out")));
        Assert.Equal("jicofo_stats", point.Measurement);
        Assert.Equal([new("url", url), new("version", "1.0-1075-g3a7a7d5")], point.Tags);
        Assert.Equal(golden.Fields, point.Fields);
        Assert.Equal(1, _server.RequestsTo("/stats"));
        Assert.Equal(1, _server.RequestsTo("/about/health"));
        Assert.Equal(0, _server.RequestsTo("/metrics"));

        // Its debug routes answer 404 here, which is said once; the stats are written all the same.
        Assert.Equal(1, _server.RequestsTo("/debug"));
        Assert.Equal([$"I! Jicofo {url}: /debug answers 404, so the bridges, Jibris and Jigasis it knows are not written: its debug routes are off (jicofo.rest.debug.enabled = false in jicofo.conf); asked again in an hour (or set jicofo_fleet = false)"], StderrLines());
    }

    [Fact]
    public async Task A_healthy_Jicofo_leads_with_healthy_1()
    {
        _server.Route("/stats", StubResponse.Json(JicofoStats));
        _server.Route("/about/health", HealthOk);

        DecodedPoint point = Assert.Single(await GatherAsync($"{_server.BaseUrl}/stats", tagVersion: false));

        Assert.Equal(new DecodedField("healthy", 1.0), point.Fields[0]);
    }

    [Fact]
    public async Task A_Jicofo_without_stats_is_read_from_its_metrics_in_the_prometheus_schema_and_says_so_once()
    {
        _server.Route("/metrics", new StubResponse(200, "OK", "# TYPE jitsi_jicofo_conferences gauge\njitsi_jicofo_conferences 2.0\n"u8.ToArray(), "text/plain; version=0.0.4; charset=utf-8"));
        string url = $"{_server.BaseUrl}/stats";

        string written = await GatherTextAsync(url, tagVersion: false);

        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode(written));
        Assert.Equal("jitsi_jicofo_conferences", point.Measurement);
        Assert.Equal([new DecodedField("gauge", 2.0)], point.Fields);
        Assert.Equal(
            [
                $"I! Jicofo {url}: /stats answers 404, so {_server.BaseUrl}/metrics is read instead",
                $"I! Jicofo {url}: /debug answers 404, so the bridges, Jibris and Jigasis it knows are not written: its debug routes are off (jicofo.rest.debug.enabled = false in jicofo.conf); asked again in an hour (or set jicofo_fleet = false)",
            ],
            StderrLines());
    }

    [Fact]
    public async Task Jigasis_about_stats_are_jigasi_stats_and_it_is_never_asked_for_metrics()
    {
        _server.Route("/about/stats", StubResponse.Json("""{"total_calls":4,"current_calls":1,"conference_sizes":[0,1],"stress_level":0.05,"graceful_shutdown":false}"""u8.ToArray()));
        _server.Route("/about/health", HealthOk);
        string url = $"{_server.BaseUrl}/about/stats";

        DecodedPoint point = Assert.Single(await GatherAsync(url, tagVersion: false));

        Assert.Equal("jigasi_stats", point.Measurement);
        Assert.Equal(
            [new("healthy", 1.0), new("total_calls", 4.0), new("current_calls", 1.0), new("conference_sizes_0", 0.0), new("conference_sizes_1", 1.0), new("stress_level", 0.05)],
            point.Fields);
        Assert.Equal(0, _server.RequestsTo("/metrics"));
    }

    [Theory]
    [InlineData("jicofo", "stats-master.json", "/stats", "jicofo_stats")]
    [InlineData("jicofo", "stats-stable-jitsi-meet_11146.json", "/stats", "jicofo_stats")]
    [InlineData("jicofo", "stats-master-health-disabled.json", "/stats", "jicofo_stats")]
    [InlineData("jigasi", "about-stats-master.json", "/about/stats", "jigasi_stats")]
    public async Task Every_number_of_a_components_statistics_is_one_float_field_named_by_its_flattened_path(string folder, string file, string path, string measurement)
    {
        byte[] document = TestData.Bytes(folder, file);
        _server.Route(path, StubResponse.Json(document));
        _server.Route("/about/version", StubResponse.Json(TestData.Bytes(folder, "about-version.json")));

        DecodedPoint point = Assert.Single(await GatherAsync(_server.BaseUrl + path));

        IReadOnlyList<DecodedField> expected = JsonNumbers.Of(document);
        Assert.Equal(measurement, point.Measurement);
        Assert.Equal(JsonDocument.Parse(TestData.Bytes(folder, "about-version.json")).RootElement.GetProperty("version").GetString(), point.Tags.Single(t => t.Key == "version").Value);
        Assert.Equal(expected, point.Fields);
        Assert.True(expected.Count > 20);
    }

    [Theory]
    [InlineData("stats", "JICOFO_ENABLE_REST=1")]
    [InlineData("about/stats", "JIGASI_ENABLE_REST=1")]
    public async Task A_component_whose_port_refuses_says_once_which_setting_opens_its_API_then_only_at_debug(string path, string setting)
    {
        int port = _server.Port;
        await _server.StopAsync();
        string url = $"http://127.0.0.1:{port}/{path}";
        var log = new StderrLog(_stderr, debug: false);
        var gatherer = new Gatherer(new StaticTargets([new Uri(url)]), new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), new PluginSettings(), new TargetStateLog(log), log, _clock);

        string written = await Task.Run(() =>
        {
            var text = new StringBuilder();
            for (int i = 0; i < 5; i++)
            {
                text.Append(Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));
            }

            return text.ToString();
        });

        Assert.Empty(written);
        string warning = Assert.Single(StderrLines());
        Assert.StartsWith($"W! {(path == "stats" ? "Jicofo" : "Jigasi")} {url}: connection refused (is it running and listening on that port?): ", warning, StringComparison.Ordinal);
        Assert.Contains(setting, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JVB_whose_port_refuses_is_told_no_component_setting()
    {
        int port = _server.Port;
        await _server.StopAsync();
        string url = $"http://127.0.0.1:{port}/colibri/stats";

        Assert.Empty(await GatherTextAsync(url));

        Assert.Equal([$"W! JVB {url}: connection refused (is it running and listening on that port?)"], StderrLines());
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=0.0.4", "metrics-0.12.3-openmetrics.openmetrics.out")]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", "metrics-0.12.3-openmetrics.prometheus.out")]
    public async Task Prosodys_metrics_are_read_by_the_parser_Telegraf_chooses_by_their_Content_Type_and_its_host_label_is_xmpp_host(string contentType, string golden)
    {
        _server.Route("/metrics", new StubResponse(200, "OK", TestData.Bytes("prosody", "metrics-0.12.3-openmetrics.txt"), contentType));
        DecodedTag[] tags = [new("container_name", "docker-jitsi-meet-prosody-1")];

        string written = await GatherProsodyAsync([new TargetTag(tags[0].Key, tags[0].Value)]);

        // Read as Prometheus text, a histogram's _count after its _created joins the histogram, as in Go's parser.
        Assert.Equal(
            TelegrafGolden.Normalized(TelegrafGolden.Points("prosody", ["prosody", golden], tags, Timestamp)),
            TelegrafGolden.Normalized(LineProtocolDecoder.Decode(written)));
        Assert.Contains("prosody_mod_c2s__connections,container_name=docker-jitsi-meet-prosody-1,ip_family=ipv4,type=c2s,xmpp_host=meet.jitsi ", written, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestsTo("/metrics"));
        Assert.Equal(0, _server.RequestsTo("/about/health") + _server.RequestsTo("/about/version"));
        Assert.Empty(StderrLines());
    }

    [Theory]
    [InlineData("metrics-0.12.3-403", 403, "Forbidden", "PROSODY_METRICS_ALLOWED_CIDR")]
    [InlineData("metrics-0.12.3-module-not-loaded-404", 404, "Not Found", "PROSODY_ENABLE_METRICS=true")]
    public async Task A_Prosody_that_refuses_its_metrics_says_once_which_setting_opens_them(string capture, int status, string reason, string setting)
    {
        _server.Route("/metrics", new StubResponse(status, reason, TestData.Bytes("prosody", capture + ".html"), "text/html; charset=utf-8"));

        Assert.Empty(await GatherProsodyAsync([new("container_name", "docker-jitsi-meet-prosody-1")]));

        string warning = Assert.Single(StderrLines());
        Assert.StartsWith($"W! Prosody docker-jitsi-meet-prosody-1: HTTP {status} {reason}: Prosody ", warning, StringComparison.Ordinal);
        Assert.Contains(setting, warning, StringComparison.Ordinal);
    }

    private async Task<string> GatherProsodyAsync(TargetTag[] tags)
    {
        var log = new StderrLog(_stderr, debug: false);
        var targets = new SettableTargets
        {
            Current = [new ComponentTarget(ComponentProfile.Prosody, "docker-jitsi-meet-prosody-1", new Uri($"{_server.BaseUrl}/metrics"), tags, "prosody-id", "test")],
        };
        var gatherer = new Gatherer(targets, new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), new PluginSettings(), new TargetStateLog(log), log, _clock);
        string written = await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));

        // The found line is the reader's, said when a discovered component appears.
        _stderr.GetStringBuilder().Replace("I! found Prosody docker-jitsi-meet-prosody-1 at " + $"{_server.BaseUrl}/metrics (test)\n", string.Empty);
        return written;
    }

    private async Task<IReadOnlyList<DecodedPoint>> GatherAsync(string url, bool tagVersion = true) =>
        LineProtocolDecoder.Decode(await GatherTextAsync(url, tagVersion));

    private async Task<string> GatherTextAsync(string url, bool tagVersion = true)
    {
        var log = new StderrLog(_stderr, debug: false);
        var client = new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024);
        var settings = new PluginSettings { TagVersion = tagVersion };
        var gatherer = new Gatherer(new StaticTargets([new Uri(url)]), client, settings, new TargetStateLog(log), log, _clock);
        return await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));
    }

    private string[] StderrLines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
