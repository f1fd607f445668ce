using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests;

/// <summary>
/// The fleet as Jicofo sees it: its /debug short form, served from the payloads generated from Jicofo's source, gives one
/// point per bridge, Jibri and Jigasi, with the values the payload holds as read here apart from the plugin; no room name
/// of focus_manager reaches stdout or stderr; and no component is ever asked a path outside the allowlist written here.
/// </summary>
public sealed class JicofoFleetTests : IAsyncDisposable
{
    private const string Stable = "stable-jitsi-meet_11146";
    private const long Timestamp = 1717243200000000000;

    // The paths each component may be asked, written here apart from the plugin's own list.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["jvb"] = ["/colibri/stats", "/metrics", "/about/health", "/about/version"],
        ["jicofo"] = ["/stats", "/about/health", "/about/version", "/debug", "/metrics"],
        ["prosody"] = ["/metrics"],
        ["jigasi"] = ["/about/stats", "/about/health", "/about/version"],
    };

    private static readonly byte[] JicofoStats = TestData.Bytes("jicofo", "stats-master.json");
    private static readonly byte[] JicofoVersion = TestData.Bytes("jicofo", "about-version.json");

    private readonly JvbHttpServer _server = new(StubResponse.NotFound());
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> Payloads()
    {
        TheoryData<string> files = [];
        foreach (string label in new[] { Stable, "master" })
        {
            foreach (string variant in new[] { "", "-reordered", "-second-shard", "-no-detectors", "-empty", "-edge" })
            {
                files.Add($"debug-{label}{variant}.json");
            }
        }

        return files;
    }

    [Fact]
    public void The_allowlist_of_each_component_is_exactly_these_paths()
    {
        Assert.Equal(Allowed["jvb"], ComponentProfile.Jvb.Paths);
        Assert.Equal(Allowed["jicofo"], ComponentProfile.Jicofo.Paths);
        Assert.Equal(Allowed["prosody"], ComponentProfile.Prosody.Paths);
        Assert.Equal(Allowed["jigasi"], ComponentProfile.Jigasi.Paths);
        Assert.Equal(Allowed.Keys.Order(), ComponentProfile.All.Select(profile => profile.Key).Order());
    }

    [Theory]
    [InlineData("jvb", "/colibri/stats", "answering", true)]
    [InlineData("jvb", "/colibri/stats", "stats 404", true)]
    [InlineData("jvb", "/metrics", "answering", true)]
    [InlineData("jicofo", "/stats", "answering", true)]
    [InlineData("jicofo", "/stats", "answering", false)]
    [InlineData("jicofo", "/stats", "stats 404", true)]
    [InlineData("jicofo", "/stats", "stats 404", false)]
    [InlineData("jicofo", "/stats", "debug 404", true)]
    [InlineData("jicofo", "/stats", "debug 403", true)]
    [InlineData("jicofo", "/stats", "debug not JSON", true)]
    [InlineData("jicofo", "/metrics", "answering", true)]
    [InlineData("prosody", "/metrics", "answering", true)]
    [InlineData("prosody", "/metrics", "stats 404", true)]
    [InlineData("jigasi", "/about/stats", "answering", true)]
    [InlineData("jigasi", "/about/stats", "stats 404", true)]
    public async Task No_component_is_ever_asked_a_path_outside_its_allowlist(string key, string statsPath, string scenario, bool fleet)
    {
        if (scenario != "stats 404")
        {
            StubResponse json = StubResponse.Json("""{"conferences":1,"participants":2}"""u8.ToArray());
            _server.Route(statsPath, statsPath == "/metrics" ? new StubResponse(200, "OK", "# TYPE a gauge\na 1\n"u8.ToArray(), "text/plain; version=0.0.4") : json);
            _server.Route("/about/health", new StubResponse(200, "OK", [], "text/plain"));
            _server.Route("/about/version", StubResponse.Json(JicofoVersion));
            _server.Route("/debug", scenario switch
            {
                "debug 404" => StubResponse.NotFound(),
                "debug 403" => new StubResponse(403, "Forbidden", [], "text/plain"),
                "debug not JSON" => new StubResponse(200, "OK", "<html>"u8.ToArray(), "text/html"),
                _ => StubResponse.Json(TestData.Bytes("jicofo", $"debug-{Stable}.json")),
            });
        }

        ComponentProfile profile = ComponentProfile.ByKey(key)!;
        var uri = new Uri(_server.BaseUrl + statsPath);
        var targets = new SettableTargets { Current = [new ComponentTarget(profile, uri.AbsoluteUri, uri, [new TargetTag("url", uri.AbsoluteUri)], uri.AbsoluteUri)] };
        Gatherer gatherer = NewGatherer(targets, fleet);

        await GatherAsync(gatherer);
        await GatherAsync(gatherer);
        _clock.Advance(TimeSpan.FromHours(2));
        await GatherAsync(gatherer);

        Assert.NotEmpty(_server.RequestLines);
        Assert.All(_server.RequestLines, line => Assert.Contains(line, Allowed[key].Select(path => "GET " + path)));
        if (key != "jicofo" || !fleet || scenario == "stats 404")
        {
            Assert.DoesNotContain("GET /debug", _server.RequestLines);
        }
        else
        {
            Assert.Contains("GET /debug", _server.RequestLines);
        }
    }

    [Fact]
    public async Task With_jicofo_fleet_off_Jicofo_is_asked_what_it_was_asked_before_and_with_it_on_also_debug_once_per_gather()
    {
        ServeJicofo(TestData.Bytes("jicofo", $"debug-{Stable}.json"));
        Gatherer off = NewGatherer(JicofoAt("/stats"), fleet: false);

        await GatherAsync(off);
        await GatherAsync(off);

        // Health checks are off (404): asked again in an hour; the version is read once.
        Assert.Equal(["GET /stats", "GET /about/health", "GET /about/version", "GET /stats"], _server.RequestLines);

        Gatherer on = NewGatherer(JicofoAt("/stats"), fleet: true);
        string written = await GatherAsync(on) + await GatherAsync(on);

        Assert.Equal(
            ["GET /stats", "GET /about/health", "GET /about/version", "GET /stats", "GET /stats", "GET /about/health", "GET /about/version", "GET /debug", "GET /stats", "GET /debug"],
            _server.RequestLines);
        Assert.Equal(2 * 3, LineProtocolDecoder.Decode(written).Count(point => point.Measurement == "jicofo_bridge"));
        Assert.Empty(_stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Each_payload_gives_one_point_per_bridge_Jibri_and_Jigasi_with_the_values_it_holds(string file)
    {
        byte[] payload = TestData.Bytes("jicofo", file);
        ServeJicofo(payload);
        string url = _server.BaseUrl + "/stats";

        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(NewGatherer(JicofoAt("/stats"))));

        string jicofoVersion = JsonDocument.Parse(JicofoVersion).RootElement.GetProperty("version").GetString()!;
        (DecodedPoint[] bridges, DecodedPoint[] jibris, DecodedPoint[] jigasis) = FleetPayload.Points(payload, new("url", url), jicofoVersion, Timestamp);
        Assert.Equal(Texts(bridges), Texts(points.Where(point => point.Measurement == "jicofo_bridge").OrderBy(Name("jvb"), StringComparer.Ordinal)));
        Assert.Equal(Texts(jibris), Texts(points.Where(point => point.Measurement == "jicofo_jibri").OrderBy(Name("jibri"), StringComparer.Ordinal)));
        Assert.Equal(Texts(jigasis), Texts(points.Where(point => point.Measurement == "jicofo_jigasi").OrderBy(Name("jigasi"), StringComparer.Ordinal)));
        Assert.Single(points, point => point.Measurement == "jicofo_stats");
        Assert.All(points, point => Assert.Equal(Timestamp, point.Time));
        Assert.Empty(_stderr.ToString());
    }

    [Theory]
    [InlineData(Stable)]
    [InlineData("master")]
    public async Task The_main_payload_gives_the_three_bridges_two_Jibris_and_two_Jigasis_SOURCES_md_describes(string label)
    {
        ServeJicofo(TestData.Bytes("jicofo", $"debug-{label}.json"));
        string url = _server.BaseUrl + "/stats";

        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(NewGatherer(JicofoAt("/stats"), tagVersion: false)));

        DecodedPoint full = points.Single(point => point.Measurement == "jicofo_bridge" && point.Tags.Contains(new("jvb", "jvb-eu-1a")));
        Assert.Equal([new("jvb", "jvb-eu-1a"), new("region", "eu-central-1"), new("relay_id", "10.0.1.21"), new("url", url), new("version", "2.3.209-g5e7b2bd")], full.Tags);
        Assert.Equal(
            [new("stress", 0.25), new("corrected_stress", 0.27), new("endpoints", 9.0), new("endpoint_restart_requests", 0.0), new("healthy", 1.0), new("operational", 1.0),
             new("overloaded", 0.0), new("drain", 0.0), new("graceful_shutdown", 0.0), new("shutting_down", 0.0), new("failing_ice", 0.0)],
            full.Fields);
        DecodedPoint fresh = points.Single(point => point.Measurement == "jicofo_bridge" && point.Tags.Contains(new("jvb", "7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6")));
        Assert.Equal([new("jvb", "7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"), new("url", url)], fresh.Tags);
        Assert.Contains(new DecodedField("drain", 1.0), fresh.Fields);
        DecodedPoint leaving = points.Single(point => point.Measurement == "jicofo_bridge" && point.Tags.Contains(new("jvb", "jvb-eu-2b")));
        Assert.Contains(new DecodedField("graceful_shutdown", 1.0), leaving.Fields);
        Assert.Contains(new DecodedField("operational", 0.0), leaving.Fields);
        Assert.Contains(new DecodedField("endpoint_restart_requests", 3.0), leaving.Fields);
        Assert.Equal(3, points.Count(point => point.Measurement == "jicofo_bridge"));

        DecodedPoint busy = points.Single(point => point.Measurement == "jicofo_jibri" && point.Tags.Contains(new("jibri", "jibri-7f3c")));
        Assert.Equal([new("jibri", "jibri-7f3c"), new("kind", "recording"), new("url", url)], busy.Tags);
        Assert.Equal([new("healthy", 1.0), new("busy", 1.0), new("available", 0.0)], busy.Fields);
        Assert.Equal(2, points.Count(point => point.Measurement == "jicofo_jibri"));

        DecodedPoint transcriber = points.Single(point => point.Measurement == "jicofo_jigasi" && point.Tags.Contains(new("jigasi", "jigasi-transcriber-1")));
        Assert.Equal([new("jigasi", "jigasi-transcriber-1"), new("url", url)], transcriber.Tags);
        Assert.Equal([new("participants", 0.0), new("graceful_shutdown", 0.0), new("supports_sip", 0.0), new("supports_transcription", 1.0)], transcriber.Fields);
        DecodedPoint sip = points.Single(point => point.Measurement == "jicofo_jigasi" && point.Tags.Contains(new("jigasi", "jigasi-sip-1")));
        Assert.Contains(new DecodedTag("region", "eu-central-1"), sip.Tags);
        Assert.Contains(new DecodedField("participants", 1.0), sip.Fields);
    }

    [Fact]
    public async Task The_edge_payload_writes_an_unhealthy_Jibri_a_SIP_Jibri_and_no_point_for_a_Jibri_without_status()
    {
        ServeJicofo(TestData.Bytes("jicofo", $"debug-{Stable}-edge.json"));
        string url = _server.BaseUrl + "/stats";

        DecodedPoint[] jibris = [.. LineProtocolDecoder.Decode(await GatherAsync(NewGatherer(JicofoAt("/stats"), tagVersion: false))).Where(point => point.Measurement == "jicofo_jibri")];

        Assert.Equal(2, jibris.Length);
        DecodedPoint unhealthy = jibris.Single(point => point.Tags.Contains(new("jibri", "jibri-c04e")));
        Assert.Equal([new("healthy", 0.0), new("busy", 0.0), new("available", 0.0)], unhealthy.Fields);
        DecodedPoint sip = jibris.Single(point => point.Tags.Contains(new("jibri", "sip-jibri-1")));
        Assert.Equal([new("jibri", "sip-jibri-1"), new("kind", "sip"), new("url", url)], sip.Tags);
        Assert.Equal([new("healthy", 1.0), new("busy", 0.0), new("available", 1.0)], sip.Fields);
        Assert.DoesNotContain(jibris, point => point.Tags.Contains(new("jibri", "jibri-55d1")));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task No_room_name_of_focus_manager_reaches_stdout_or_stderr_at_debug_level(string file)
    {
        byte[] payload = TestData.Bytes("jicofo", file);
        string[] rooms = [.. JsonDocument.Parse(payload).RootElement.GetProperty("focus_manager").EnumerateObject().Select(room => room.Name.Split('@')[0])];
        ServeJicofo(payload);
        Gatherer gatherer = NewGatherer(JicofoAt("/stats"), debug: true);

        string written = await GatherAsync(gatherer);

        // The same answer cut short and then broken, so the failure lines are written too, first and repeated.
        byte[] cut = payload[..(payload.Length / 2)];
        _server.Route("/debug", StubResponse.Json(cut));
        written += await GatherAsync(gatherer) + await GatherAsync(gatherer);

        string stderr = _stderr.ToString();
        Assert.Contains("D! ", stderr, StringComparison.Ordinal);
        Assert.Contains("W! ", stderr, StringComparison.Ordinal);
        Assert.All(rooms, room =>
        {
            Assert.DoesNotContain(room, written, StringComparison.Ordinal);
            Assert.DoesNotContain(room, stderr, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("conference.meet.jitsi", written + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    public async Task Debug_routes_that_are_off_are_said_once_naming_the_setting_and_asked_again_after_an_hour(int status)
    {
        ServeJicofo(null);
        _server.Route("/debug", new StubResponse(status, status == 404 ? "Not Found" : "Forbidden", [], "text/plain"));
        string url = _server.BaseUrl + "/stats";
        Gatherer gatherer = NewGatherer(JicofoAt("/stats"));

        string written = await GatherAsync(gatherer) + await GatherAsync(gatherer);
        Assert.Equal(1, _server.RequestsTo("/debug"));
        _clock.Advance(TimeSpan.FromMinutes(61));
        written += await GatherAsync(gatherer);

        Assert.Equal(2, _server.RequestsTo("/debug"));
        Assert.Equal(3, LineProtocolDecoder.Decode(written).Count(point => point.Measurement == "jicofo_stats"));
        Assert.Equal(
            [$"I! Jicofo {url}: /debug answers {status}, so the bridges, Jibris and Jigasis it knows are not written: its debug routes are off (jicofo.rest.debug.enabled = false in jicofo.conf); asked again in an hour (or set jicofo_fleet = false)"],
            StderrLines());
    }

    [Fact]
    public async Task A_Jicofo_that_gives_no_answer_is_not_asked_debug()
    {
        _server.Route("/stats", StubResponse.Hangup());
        Gatherer gatherer = NewGatherer(JicofoAt("/stats"));

        await GatherAsync(gatherer);

        Assert.Equal(["GET /stats"], _server.RequestLines);
    }

    [Theory]
    [InlineData("<html>not JSON</html>", "the answer is not JSON")]
    [InlineData("[1,2]", "the answer is JSON but not a JSON object")]
    [InlineData("""{"focus_manager":{}}""", "no bridge_selector.bridge object")]
    [InlineData("""{"bridge_selector":{"bridge":{"j@x/a":{"stress":0.1}}},"jibri_detector":{"j1":{"health_status":"healthy"}},"jigasi_detector":5}""", "jigasi_detector is neither null nor a JSON object")]
    [InlineData("""{"bridge_selector":{"bridge":{"j@x/a":{"stress":0.1},"j@x/b":{"stress":"high"}}}}""", "a bridge of bridge_selector.bridge is not")]
    public async Task A_debug_answer_that_is_not_Jicofos_is_said_once_writes_no_point_of_it_and_the_stats_still_flow(string answer, string said)
    {
        ServeJicofo(Encoding.UTF8.GetBytes(answer));
        string url = _server.BaseUrl + "/stats";
        Gatherer gatherer = NewGatherer(JicofoAt("/stats"));

        string written = await GatherAsync(gatherer) + await GatherAsync(gatherer);

        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(written);
        Assert.Equal(["jicofo_stats", "jicofo_stats"], points.Select(point => point.Measurement));
        string warning = Assert.Single(StderrLines());
        Assert.StartsWith($"W! Jicofo {url}: /debug: ", warning, StringComparison.Ordinal);
        Assert.Contains(said, warning, StringComparison.Ordinal);

        // Once it answers as Jicofo does, that is said and its points come.
        _server.Route("/debug", StubResponse.Json(TestData.Bytes("jicofo", $"debug-{Stable}.json")));
        points = LineProtocolDecoder.Decode(await GatherAsync(gatherer));
        Assert.Equal(3, points.Count(point => point.Measurement == "jicofo_bridge"));
        Assert.Equal($"I! Jicofo {url}: /debug answers again", StderrLines()[^1]);
    }

    [Theory]
    [InlineData("jicofo_bridge", "")]
    [InlineData("jicofo_jibri", "-edge")]
    [InlineData("jicofo_jigasi", "")]
    public async Task The_README_lists_each_fleet_measurement_with_the_tags_and_float_fields_it_has(string measurement, string variant)
    {
        ServeJicofo(TestData.Bytes("jicofo", $"debug-{Stable}{variant}.json"));
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.Decode(await GatherAsync(NewGatherer(JicofoAt("/stats"))));
        string item = Assert.Single(ReadmeTests.MetricsItems(), item => item.StartsWith($"- `{measurement}`", StringComparison.Ordinal));

        string[] fields = [.. ReadmeTests.FloatFieldList().Matches(item).SelectMany(m => Regex.Matches(m.Value, "`(?<name>[a-z0-9_]+)`").Select(n => n.Groups["name"].Value))];
        DecodedPoint[] written = [.. points.Where(point => point.Measurement == measurement)];
        Assert.NotEmpty(written);
        Assert.Equal(written.SelectMany(point => point.Fields.Select(field => field.Key)).Distinct().Order(StringComparer.Ordinal), fields.Order(StringComparer.Ordinal));
        Assert.All(written.SelectMany(point => point.Tags).Select(tag => tag.Key).Distinct().Where(key => key != "url"), key => Assert.Contains($"`{key}`", item, StringComparison.Ordinal));
    }

    private static string[] Texts(IEnumerable<DecodedPoint> points) => [.. points.Select(point => point.ToString())];

    private static Func<DecodedPoint, string> Name(string tag) => point => point.Tags.Single(t => t.Key == tag).Value;

    /// <summary>Jicofo as shipped with its REST API open: /stats, its version, health checks off (404), and /debug as given.</summary>
    private void ServeJicofo(byte[]? debug)
    {
        _server.Route("/stats", StubResponse.Json(JicofoStats));
        _server.Route("/about/version", StubResponse.Json(JicofoVersion));
        if (debug is not null)
        {
            _server.Route("/debug", StubResponse.Json(debug));
        }
    }

    private StaticTargets JicofoAt(string path) => new([new Uri(_server.BaseUrl + path)]);

    private Gatherer NewGatherer(ITargetSource targets, bool fleet = true, bool tagVersion = true, bool debug = false)
    {
        var log = new StderrLog(_stderr, debug);
        var settings = new PluginSettings { JicofoFleet = fleet, TagVersion = tagVersion };
        return new Gatherer(targets, new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024 * 1024), settings, new TargetStateLog(log), log, _clock);
    }

    private static async Task<string> GatherAsync(Gatherer gatherer) =>
        await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span));

    private string[] StderrLines() => _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
