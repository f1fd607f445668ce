using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// One gather end to end in process, against a JVB-like server on 127.0.0.1 and a clock the test moves: which
/// endpoint is read (source), health, version, and what is logged, with the requests each endpoint got counted.
/// </summary>
public sealed class GathererTests : IAsyncDisposable
{
    private const string Version = "2.3.168-g28674f78";
    private static readonly byte[] Colibri = TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json");
    private static readonly byte[] Metrics = TestData.Bytes("jvb-metrics", "metrics-2.3.168.txt");
    private static readonly StubResponse HealthOk = new(200, "OK", [], "application/json");

    private readonly JvbHttpServer _jvb = new(StubResponse.NotFound());
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();
    public async ValueTask DisposeAsync() => await _jvb.DisposeAsync();

    /// <summary>A stock docker-jitsi-meet JVB: COLIBRI_REST_ENABLED=false, everything else on.</summary>
    private void ServeStockJvb()
    {
        _jvb.Response = StubResponse.NotFound();
        _jvb.Route("/metrics", new StubResponse(200, "OK", Metrics, "text/plain; version=0.0.4; charset=utf-8"));
        _jvb.Route("/about/health", HealthOk);
        _jvb.Route("/about/version", StubResponse.Json(TestData.Bytes("jvb", "about-version.json")));
    }

    [Fact]
    public async Task With_source_auto_a_404_on_colibri_reads_metrics_in_the_same_gather_says_so_once_and_asks_colibri_again_only_after_an_hour()
    {
        ServeStockJvb();
        Gatherer gatherer = NewGatherer(new PluginSettings());

        DecodedPoint first = Assert.Single(await GatherAsync(gatherer));
        for (int i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(10));
            Assert.Single(await GatherAsync(gatherer));
        }

        Assert.Equal("jitsi_stats", first.Measurement);
        Assert.Equal([new("url", _jvb.StatsUrl), new("version", Version)], first.Tags);
        Assert.Equal(new DecodedField("healthy", 1.0), first.Fields[0]);
        Assert.Contains(new DecodedField("participants", 0.0), first.Fields);
        Assert.Contains(new DecodedField("threads", 41.0), first.Fields);
        Assert.Equal(1, _jvb.Requests);
        Assert.Equal(6, _jvb.RequestsTo("/metrics"));
        Assert.Equal(6, _jvb.RequestsTo("/about/health"));
        Assert.Equal(1, _jvb.RequestsTo("/about/version"));
        Assert.Equal(
            [$"I! JVB {_jvb.StatsUrl}: /colibri/stats answers 404 (its colibri REST API is off, as COLIBRI_REST_ENABLED=false on docker-jitsi-meet), so {_jvb.BaseUrl}/metrics is read instead"],
            StderrLines());

        // An hour after the switch colibri is asked once more; still off, so /metrics again, and nothing more is said.
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(await GatherAsync(gatherer));
        Assert.Equal(2, _jvb.Requests);
        Assert.Equal(7, _jvb.RequestsTo("/metrics"));
        Assert.Single(StderrLines());

        // Someone turns the REST API on: the next probe finds it and colibri is read from then on.
        _jvb.Response = StubResponse.Json(Colibri);
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Single(await GatherAsync(gatherer));
        Assert.Equal(2, _jvb.Requests);
        _clock.Advance(TimeSpan.FromMinutes(2));
        DecodedPoint fromColibri = Assert.Single(await GatherAsync(gatherer));
        Assert.Single(await GatherAsync(gatherer));

        Assert.Equal(4, _jvb.Requests);
        Assert.Equal(8, _jvb.RequestsTo("/metrics"));
        Assert.Contains(new DecodedField("average_participant_stress", 0.01), fromColibri.Fields);
        Assert.Equal($"I! JVB {_jvb.StatsUrl}: /colibri/stats answers again, so it is read instead of /metrics", StderrLines()[^1]);
    }

    [Fact]
    public async Task Each_endpoint_is_asked_with_its_own_Accept_header()
    {
        ServeStockJvb();
        Gatherer gatherer = NewGatherer(new PluginSettings());

        await GatherAsync(gatherer);

        Assert.Equal("application/json", _jvb.AcceptOf("/colibri/stats"));
        Assert.Equal("text/plain; version=0.0.4", _jvb.AcceptOf("/metrics"));
        Assert.Equal("application/json", _jvb.AcceptOf("/about/health"));
        Assert.Equal("application/json", _jvb.AcceptOf("/about/version"));
    }

    [Fact]
    public async Task With_source_colibri_metrics_is_never_asked_and_the_404_says_how_to_turn_the_REST_API_on()
    {
        ServeStockJvb();
        Gatherer gatherer = NewGatherer(new PluginSettings { Source = StatsSource.Colibri });

        for (int i = 0; i < 3; i++)
        {
            // The JVB answers health, not stats: its healthy field alone, with its tags.
            Assert.Equal($"jitsi_stats,url={_jvb.StatsUrl},version={Version} healthy=1", TrimTime(await GatherTextAsync(gatherer)));
        }

        Assert.Equal(0, _jvb.RequestsTo("/metrics"));
        Assert.Equal(3, _jvb.Requests);
        string warning = Assert.Single(StderrLines());
        Assert.StartsWith($"W! JVB {_jvb.StatsUrl}: HTTP 404 Not Found: the JVB's colibri REST API is off; enable it with COLIBRI_REST_ENABLED=true", warning);
    }

    [Fact]
    public async Task With_source_metrics_colibri_is_never_asked()
    {
        ServeStockJvb();
        _jvb.Response = StubResponse.Json(Colibri);
        Gatherer gatherer = NewGatherer(new PluginSettings { Source = StatsSource.Metrics });

        DecodedPoint point = Assert.Single(await GatherAsync(gatherer));
        await GatherAsync(gatherer);

        Assert.Equal(0, _jvb.Requests);
        Assert.Equal(2, _jvb.RequestsTo("/metrics"));
        Assert.DoesNotContain(point.Fields, f => f.Key == "average_participant_stress");
        Assert.Empty(StderrLines());
    }

    [Fact]
    public async Task A_listed_URL_that_ends_in_metrics_is_read_there_and_colibri_is_never_asked()
    {
        ServeStockJvb();
        Gatherer gatherer = NewGatherer(new PluginSettings(), new StaticTargets([new Uri(_jvb.BaseUrl + "/metrics")]));

        DecodedPoint point = Assert.Single(await GatherAsync(gatherer));

        Assert.Equal([new("url", _jvb.BaseUrl + "/metrics"), new("version", Version)], point.Tags);
        Assert.Equal(0, _jvb.Requests + _jvb.RequestsTo("/colibri/stats"));
        Assert.Empty(StderrLines());
    }

    [Fact]
    public async Task When_neither_colibri_nor_metrics_answers_one_warning_names_both_and_colibri_is_asked_first_again()
    {
        ServeStockJvb();
        _jvb.Route("/metrics", StubResponse.NotFound());
        Gatherer gatherer = NewGatherer(new PluginSettings());

        Assert.Equal($"jitsi_stats,url={_jvb.StatsUrl},version={Version} healthy=1", TrimTime(await GatherTextAsync(gatherer)));
        await GatherAsync(gatherer);

        Assert.Equal(2, _jvb.Requests);
        Assert.Equal(2, _jvb.RequestsTo("/metrics"));
        string warning = Assert.Single(StderrLines());
        Assert.StartsWith($"W! JVB {_jvb.StatsUrl}: HTTP 404 Not Found: the JVB's colibri REST API is off", warning);
        Assert.Contains("; and its /metrics: HTTP 404 Not Found: the JVB's /metrics is off; enable it with videobridge.rest.prometheus.enabled = true", warning);

        // Turning /metrics on is noticed at the next gather.
        _jvb.Route("/metrics", new StubResponse(200, "OK", Metrics, "text/plain"));
        Assert.Single(await GatherAsync(gatherer));
        Assert.StartsWith($"I! JVB {_jvb.StatsUrl}: /colibri/stats answers 404", StderrLines()[^2]);
        Assert.Equal($"I! JVB {_jvb.StatsUrl} answers again", StderrLines()[^1]);
    }

    [Fact]
    public async Task An_unhealthy_JVB_writes_healthy_0_says_why_once_and_says_when_it_is_healthy_again()
    {
        ServeStockJvb();
        _jvb.Route("/about/health", new StubResponse(503, "Service Unavailable", "Health check failed:\n  no valid ICE address\r\n"u8.ToArray(), "text/plain"));
        Gatherer gatherer = NewGatherer(new PluginSettings());

        DecodedPoint unhealthy = Assert.Single(await GatherAsync(gatherer));
        await GatherAsync(gatherer);
        _jvb.Route("/about/health", HealthOk);
        DecodedPoint healthy = Assert.Single(await GatherAsync(gatherer));
        _jvb.Route("/about/health", new StubResponse(500, "Server Error", "the bridge is shutting down"u8.ToArray(), "text/plain"));
        await GatherAsync(gatherer);

        Assert.Equal(new DecodedField("healthy", 0.0), unhealthy.Fields[0]);
        Assert.Equal(new DecodedField("healthy", 1.0), healthy.Fields[0]);
        Assert.Equal(
            [
                $"W! JVB {_jvb.StatsUrl} is unhealthy: /about/health answers HTTP 503 Service Unavailable: Health check failed: no valid ICE address",
                $"I! JVB {_jvb.StatsUrl} is healthy again",
                $"W! JVB {_jvb.StatsUrl} is unhealthy: /about/health answers HTTP 500 Server Error: the bridge is shutting down",
            ],
            StderrLines().Skip(1));
    }

    [Fact]
    public async Task A_long_unhealthy_reason_is_cut_to_one_short_line()
    {
        ServeStockJvb();
        _jvb.Route("/about/health", new StubResponse(503, "Service Unavailable", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("reason ", 2000))), "text/plain"));
        Gatherer gatherer = NewGatherer(new PluginSettings());

        await GatherAsync(gatherer);

        string warning = StderrLines()[^1];
        Assert.StartsWith($"W! JVB {_jvb.StatsUrl} is unhealthy: ", warning);
        Assert.EndsWith(" reason reas…", warning);
        Assert.InRange(warning.Length, 200, 400);
    }

    [Fact]
    public async Task A_JVB_that_is_down_gives_no_healthy_field_and_one_warning_for_the_stats()
    {
        ServeStockJvb();
        await _jvb.StopAsync();
        Gatherer gatherer = NewGatherer(new PluginSettings(), debug: true);

        Assert.Empty(await GatherAsync(gatherer));
        Assert.Empty(await GatherAsync(gatherer));

        Assert.Equal(
            [
                $"W! JVB {_jvb.StatsUrl}: connection refused (is it running and listening on that port?)",
                $"D! JVB {_jvb.StatsUrl}: connection refused (is it running and listening on that port?)",
            ],
            StderrLines());

        // Back up: the version, never read while it was down, is read at once.
        _jvb.Restart();
        DecodedPoint point = Assert.Single(await GatherAsync(gatherer));
        Assert.Contains(new DecodedTag("version", Version), point.Tags);
        Assert.Equal(new DecodedField("healthy", 1.0), point.Fields[0]);
    }

    [Fact]
    public async Task A_stats_answer_that_cannot_be_read_leaves_the_healthy_field_alone_in_the_point()
    {
        ServeStockJvb();
        _jvb.Route("/metrics", new StubResponse(200, "OK", "<html><body>maintenance</body></html>"u8.ToArray(), "text/html"));
        Gatherer gatherer = NewGatherer(new PluginSettings());

        string text = await GatherTextAsync(gatherer);

        Assert.Equal($"jitsi_stats,url={_jvb.StatsUrl},version={Version} healthy=1", TrimTime(text));
        string warning = StderrLines()[^1];
        Assert.True(warning.StartsWith($"W! JVB {_jvb.StatsUrl}: the answer is not Prometheus text: line 1 ", StringComparison.Ordinal), warning);
    }

    [Fact]
    public async Task The_version_is_read_once_per_instance_and_again_for_a_new_one()
    {
        ServeStockJvb();
        var targets = new SettableTargets();
        Gatherer gatherer = NewGatherer(new PluginSettings(), targets);
        var uri = new Uri(_jvb.StatsUrl);
        TargetTag[] tags = [new("container_name", "jvb-1")];

        targets.Current = [new ComponentTarget(ComponentProfile.Jvb, "jvb-1", uri, tags, "container-a")];
        for (int i = 0; i < 4; i++)
        {
            Assert.Contains(new DecodedTag("version", Version), Assert.Single(await GatherAsync(gatherer)).Tags);
        }

        Assert.Equal(1, _jvb.RequestsTo("/about/version"));
        Assert.Equal(1, _jvb.Requests);

        // Recreated: same name, new container ID. Its version and its colibri are asked again, once.
        targets.Current = [new ComponentTarget(ComponentProfile.Jvb, "jvb-1", uri, tags, "container-b")];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal([new("container_name", "jvb-1"), new("version", Version)], Assert.Single(await GatherAsync(gatherer)).Tags);
        }

        Assert.Equal(2, _jvb.RequestsTo("/about/version"));
        Assert.Equal(2, _jvb.Requests);
        Assert.Equal(2, StderrLines().Length);
    }

    [Fact]
    public async Task A_version_that_cannot_be_read_is_asked_again_after_growing_pauses_and_said_once_as_debug()
    {
        ServeStockJvb();
        _jvb.Route("/about/version", StubResponse.Json("""{"name":"JVB"}"""));
        Gatherer gatherer = NewGatherer(new PluginSettings(), debug: true);

        // Asked at 0; the pauses are then 1 min, 2 min, 4 min.
        int[] secondsBetweenGathers = [0, 30, 31, 60, 60, 60, 60];
        int[] expectedAsks = [1, 1, 2, 2, 3, 3, 3];
        for (int i = 0; i < secondsBetweenGathers.Length; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(secondsBetweenGathers[i]));
            Assert.DoesNotContain(Assert.Single(await GatherAsync(gatherer)).Tags, tag => tag.Key == "version");
            Assert.Equal(expectedAsks[i], _jvb.RequestsTo("/about/version"));
        }

        Assert.Equal(
            [$"D! JVB {_jvb.StatsUrl}: no version tag: /about/version: the answer has no \"version\" string; asked again in 60s, then less and less often"],
            StderrLines().Where(line => line.Contains("version", StringComparison.Ordinal)));

        // It comes right: the tag appears, and no more version requests follow.
        _jvb.Route("/about/version", StubResponse.Json(TestData.Bytes("jvb", "about-version.json")));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Contains(new DecodedTag("version", Version), Assert.Single(await GatherAsync(gatherer)).Tags);
        _clock.Advance(TimeSpan.FromHours(3));
        await GatherAsync(gatherer);
        Assert.Equal(4, _jvb.RequestsTo("/about/version"));
    }

    [Fact]
    public async Task With_tag_version_off_the_version_is_never_asked_and_never_tagged()
    {
        ServeStockJvb();
        Gatherer gatherer = NewGatherer(new PluginSettings { TagVersion = false });

        DecodedPoint point = Assert.Single(await GatherAsync(gatherer));

        Assert.Equal([new("url", _jvb.StatsUrl)], point.Tags);
        Assert.Equal(0, _jvb.RequestsTo("/about/version"));
    }

    [Fact]
    public async Task Colibris_own_boolean_healthy_never_competes_with_the_health_answer_even_under_json_string_fields()
    {
        ServeStockJvb();
        _jvb.Response = StubResponse.Json(Colibri);
        Gatherer gatherer = NewGatherer(new PluginSettings { JsonStringFields = [new GlobPattern("healthy"), new GlobPattern("drain")] });

        DecodedPoint point = Assert.Single(await GatherAsync(gatherer));

        Assert.Equal(new DecodedField("healthy", 1.0), Assert.Single(point.Fields, f => f.Key == "healthy"));
        Assert.Contains(new DecodedField("drain", false), point.Fields);
    }

    [Fact]
    public async Task With_the_prometheus_schema_health_is_a_point_of_its_own_and_every_point_has_the_version_tag()
    {
        ServeStockJvb();
        Gatherer gatherer = NewGatherer(new PluginSettings { MetricsSchema = MetricsSchema.Prometheus });

        IReadOnlyList<DecodedPoint> points = await GatherAsync(gatherer);

        Assert.Equal(new DecodedPoint("jitsi_stats", [new("url", _jvb.StatsUrl), new("version", Version)], [new("healthy", 1.0)], points[0].Time).ToString(), points[0].ToString());
        Assert.True(points.Count > 50, $"{points.Count} points");
        Assert.All(points.Skip(1), p => Assert.StartsWith("jitsi_jvb_", p.Measurement, StringComparison.Ordinal));
        Assert.All(points.Skip(1), p => Assert.Contains(new DecodedTag("version", Version), p.Tags));
        Assert.Contains(points, p => p.Measurement == "jitsi_jvb_conferences" && p.Fields.SequenceEqual([new DecodedField("gauge", 0.0)]));

        // Colibri, when it answers, is still written in the jitsi_stats schema, healthy first.
        _jvb.Response = StubResponse.Json(Colibri);
        DecodedPoint colibri = Assert.Single(await GatherAsync(NewGatherer(new PluginSettings { MetricsSchema = MetricsSchema.Prometheus })));
        Assert.Equal(new DecodedField("healthy", 1.0), colibri.Fields[0]);
    }

    [Fact]
    public async Task Discovered_JVBs_are_said_once_when_found_moved_and_gone_and_one_no_longer_listed_is_not_asked()
    {
        await using var stays = new JvbHttpServer(StubResponse.Json("""{"conferences":3}"""));
        await using var moved = new JvbHttpServer(StubResponse.Json("""{"conferences":4}"""));
        _jvb.Response = StubResponse.Json("""{"conferences":1}""");
        ComponentTarget gone = new(ComponentProfile.Jvb, "gone", new Uri(_jvb.StatsUrl), [new TargetTag("container_name", "gone")], "id-gone", "on the network");
        ComponentTarget staying = new(ComponentProfile.Jvb, "stays", new Uri(stays.StatsUrl), [new TargetTag("container_name", "stays")], "id-stays", "on the network");
        var targets = new SettableTargets { Current = [gone, staying] };
        Gatherer gatherer = NewGatherer(new PluginSettings(), targets);
        Assert.Equal(2, (await GatherAsync(gatherer)).Count);

        targets.Current = [staying];
        Assert.Equal([new("container_name", "stays")], Assert.Single(await GatherAsync(gatherer)).Tags);
        targets.Current = [staying with { StatsUri = new Uri(moved.StatsUrl) }];
        Assert.Equal(4.0, Assert.Single(await GatherAsync(gatherer)).Fields.Single(field => field.Key == "conferences").Value);
        targets.Current = [];
        Assert.Empty(await GatherAsync(gatherer));
        Assert.Empty(await GatherAsync(gatherer));

        Assert.Equal(1, _jvb.Requests);
        Assert.Equal(2, stays.Requests);
        Assert.Equal(1, moved.Requests);
        Assert.Equal(
            [
                $"I! found JVB gone at {_jvb.StatsUrl} (on the network)",
                $"I! found JVB stays at {stays.StatsUrl} (on the network)",
                "I! JVB gone is gone",
                $"I! JVB stays moved to {moved.StatsUrl} (on the network)",
                "I! JVB stays is gone; no JVB set by the test",
            ],
            StderrLines());
    }

    [Fact]
    public async Task A_health_API_that_answers_404_is_asked_again_only_after_an_hour_or_for_a_new_instance()
    {
        _jvb.Response = StubResponse.Json("""{"conferences":1}""");
        var targets = new SettableTargets { Current = [new ComponentTarget(ComponentProfile.Jvb, "jvb", new Uri(_jvb.StatsUrl), [new TargetTag("container_name", "jvb")], "id-1")] };
        Gatherer gatherer = NewGatherer(new PluginSettings(), targets);

        for (int i = 0; i < 4; i++)
        {
            DecodedPoint point = Assert.Single(await GatherAsync(gatherer));
            Assert.DoesNotContain(point.Fields, field => field.Key == ComponentReading.HealthyField);
            _clock.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(4, _jvb.Requests);
        Assert.Equal(1, _jvb.RequestsTo("/about/health"));

        // The health API is turned on; an hour after the 404 it is asked again and gives the field.
        _jvb.Route("/about/health", HealthOk);
        _clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Contains(new DecodedField(ComponentReading.HealthyField, 1.0), Assert.Single(await GatherAsync(gatherer)).Fields);
        Assert.Equal(2, _jvb.RequestsTo("/about/health"));

        // A new container is a new start: its health is asked at once.
        _jvb.Route("/about/health", StubResponse.NotFound());
        await GatherAsync(gatherer);
        targets.Current = [new ComponentTarget(ComponentProfile.Jvb, "jvb", new Uri(_jvb.StatsUrl), [new TargetTag("container_name", "jvb")], "id-2")];
        await GatherAsync(gatherer);
        Assert.Equal(4, _jvb.RequestsTo("/about/health"));
    }

    private Gatherer NewGatherer(PluginSettings settings, ITargetSource? targets = null, bool debug = false)
    {
        var log = new StderrLog(_stderr, debug);
        var client = new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024);
        return new Gatherer(targets ?? new StaticTargets([new Uri(_jvb.StatsUrl)]), client, settings, new TargetStateLog(log), log, _clock);
    }

    /// <summary>The gather blocks its thread, as on the plugin's gather thread; the JVB stand-in answers from the pool meanwhile.</summary>
    private static async Task<string> GatherTextAsync(Gatherer gatherer) =>
        await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));

    private static async Task<IReadOnlyList<DecodedPoint>> GatherAsync(Gatherer gatherer) =>
        LineProtocolDecoder.Decode(await GatherTextAsync(gatherer));

    private string[] StderrLines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string TrimTime(string text) => text.TrimEnd('\n')[..text.TrimEnd('\n').LastIndexOf(' ')];
}
