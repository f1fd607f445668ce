using System.Text;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests;

/// <summary>
/// Telegraf's agent names the server by adding its <c>host</c> tag to every point that has none, so no point the plugin
/// writes may carry a <c>host</c> tag of its own, or the series of two servers would mix in one database. Every payload
/// of every component in tests/testdata is served on 127.0.0.1 and read by one gather, as the plugin reads it.
/// </summary>
public sealed partial class ServerTagTests : IAsyncDisposable
{
    private const string OpenMetricsText = "application/openmetrics-text; version=0.0.4";
    private const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";

    private readonly JvbHttpServer _server = new(StubResponse.NotFound());
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _stderr = new();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// Each case: the component's key, the metrics_schema, and the files it serves as path=folder/file joined by '&' (a
    /// /metrics file with its Content-Type after a '|'). Listed from the folders, so a payload added there is read too.
    /// </summary>
    public static TheoryData<string, string, string> Payloads()
    {
        TheoryData<string, string, string> cases = [];
        string[] schemas = ["jitsi_stats", "prometheus"];
        foreach (string colibri in Files("jvb", "colibri-stats-*.json").Concat(Files("jvb-metrics", "colibri-stats-*.json")))
        {
            cases.Add("jvb", "jitsi_stats", $"/colibri/stats={colibri}&/about/version=jvb/about-version.json");
        }

        foreach (string metrics in Files("jvb-metrics", "metrics-*.txt"))
        {
            foreach (string schema in schemas)
            {
                cases.Add("jvb", schema, $"/metrics={metrics}|{PrometheusText}&/about/version=jvb/about-version.json");
            }
        }

        // Jicofo's stats with its /debug (the fleet), each payload of either once; and its /metrics where /stats is off.
        string[] stats = [.. Files("jicofo", "stats-*.json"), "jvb/jicofo-stats-2020.json"];
        string[] debug = Files("jicofo", "debug-*.json");
        for (int i = 0; i < Math.Max(stats.Length, debug.Length); i++)
        {
            cases.Add("jicofo", "jitsi_stats", $"/stats={stats[i % stats.Length]}&/debug={debug[i % debug.Length]}&/about/version=jicofo/about-version.json");
        }

        foreach (string metrics in Files("jicofo", "metrics-*.txt"))
        {
            cases.Add("jicofo", "prometheus", $"/metrics={metrics}|{PrometheusText}&/about/version=jicofo/about-version.json");
        }

        foreach (string about in Files("jigasi", "about-stats-*.json"))
        {
            cases.Add("jigasi", "jitsi_stats", $"/about/stats={about}&/about/version=jigasi/about-version.json");
        }

        // Prosody always says OpenMetrics; read as Prometheus text too, as Telegraf would without that Content-Type.
        foreach (string metrics in ProsodyCaptures())
        {
            foreach (string contentType in new[] { OpenMetricsText, PrometheusText })
            {
                cases.Add("prosody", "jitsi_stats", $"/metrics={metrics}|{contentType}");
            }
        }

        return cases;
    }

    public static TheoryData<string, string> ProsodyPayloads()
    {
        TheoryData<string, string> cases = [];
        foreach (string metrics in ProsodyCaptures())
        {
            cases.Add(metrics, OpenMetricsText);
            cases.Add(metrics, PrometheusText);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task No_point_of_any_components_payload_carries_a_host_tag_or_a_tag_key_twice(string component, string schema, string routes)
    {
        foreach (string route in routes.Split('&'))
        {
            string[] served = route.Split('|');
            string[] parts = served[0].Split('=');
            byte[] body = TestData.Bytes(parts[1].Split('/'));
            _server.Route(parts[0], served.Length > 1 ? new StubResponse(200, "OK", body, served[1]) : StubResponse.Json(body));
        }

        IReadOnlyList<DecodedPoint> points = await GatherAsync(component, schema);

        Assert.True(points.Count > 0, $"{routes}: {points.Count} points; stderr: {_stderr}");
        Assert.All(points, point =>
        {
            Assert.DoesNotContain(point.Tags, tag => tag.Key == "host");
            Assert.Equal(point.Tags.Count, point.Tags.Select(tag => tag.Key).Distinct(StringComparer.Ordinal).Count());
            Assert.Contains(new DecodedTag("container_name", $"docker-jitsi-meet-{component}-1"), point.Tags);
        });
    }

    [Theory]
    [MemberData(nameof(ProsodyPayloads))]
    public async Task Prosodys_domain_is_the_tag_xmpp_host_with_the_value_its_payload_holds(string capture, string contentType)
    {
        string text = Encoding.UTF8.GetString(TestData.Bytes(capture.Split('/')));
        _server.Route("/metrics", new StubResponse(200, "OK", Encoding.UTF8.GetBytes(text), contentType));

        IReadOnlyList<DecodedPoint> points = await GatherAsync("prosody", "jitsi_stats");

        // Every domain the payload's host labels name is written as xmpp_host, and nothing else is.
        string[] domains = [.. HostLabel().Matches(text).Select(match => match.Groups[1].Value).Distinct().Order(StringComparer.Ordinal)];
        Assert.NotEmpty(domains);
        Assert.Equal(domains, points.SelectMany(point => point.Tags).Where(tag => tag.Key == "xmpp_host").Select(tag => tag.Value).Distinct().Order(StringComparer.Ordinal));

        // Each client connections gauge of the payload is one point with its domain and address family.
        MatchCollection connections = C2sConnections().Matches(text);
        Assert.NotEmpty(connections);
        foreach (Match line in connections)
        {
            string labels = line.Groups["labels"].Value;
            string domain = Regex.Match(labels, "host=\"([^\"]*)\"").Groups[1].Value;
            string family = Regex.Match(labels, "ip_family=\"([^\"]*)\"").Groups[1].Value;
            DecodedPoint point = Assert.Single(points, point => point.Measurement == "prosody_mod_c2s__connections" && point.Tags.Contains(new DecodedTag("ip_family", family)));
            Assert.Contains(new DecodedTag("xmpp_host", domain), point.Tags);
            Assert.Equal(double.Parse(line.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture), point.Fields.Single(field => field.Key == "gauge").Value);
        }
    }

    [Theory]
    [MemberData(nameof(JicofoMetrics))]
    public async Task Jicofos_version_label_is_jicofo_version_beside_the_version_tag_its_about_version_gives(string metrics)
    {
        string text = Encoding.UTF8.GetString(TestData.Bytes(metrics.Split('/')));
        _server.Route("/metrics", new StubResponse(200, "OK", Encoding.UTF8.GetBytes(text), PrometheusText));
        _server.Route("/about/version", StubResponse.Json("""{"name":"JiCoFo","version":"1.0-1075-g3a7a7d5","os":"Linux"}"""));

        IReadOnlyList<DecodedPoint> points = await GatherAsync("jicofo", "prometheus");

        string label = VersionInfo().Match(text).Groups[1].Value;
        Assert.NotEmpty(label);
        DecodedPoint info = Assert.Single(points, point => point.Measurement == "jitsi_jicofo_version_info");
        Assert.Contains(new DecodedTag("jicofo_version", label), info.Tags);
        Assert.Contains(new DecodedTag("version", "1.0-1075-g3a7a7d5"), info.Tags);
    }

    public static TheoryData<string> JicofoMetrics() => [.. Files("jicofo", "metrics-*.txt")];

    private static string[] Files(string folder, string pattern) =>
        [.. Directory.GetFiles(TestData.PathOf(folder), pattern).Select(path => $"{folder}/{Path.GetFileName(path)}").Order(StringComparer.Ordinal)];

    private static string[] ProsodyCaptures() =>
        [.. Files("prosody", "metrics-*.txt").Where(file => File.ReadAllText(TestData.PathOf(file.Split('/'))).Contains("# EOF", StringComparison.Ordinal))];

    private async Task<IReadOnlyList<DecodedPoint>> GatherAsync(string component, string schema)
    {
        ComponentProfile profile = ComponentProfile.ByKey(component)!;
        var log = new StderrLog(_stderr, debug: false);
        var targets = new SettableTargets
        {
            Current = [new ComponentTarget(profile, $"docker-jitsi-meet-{component}-1", new Uri($"{_server.BaseUrl}{profile.JsonStatsPath ?? "/metrics"}"), [new TargetTag("container_name", $"docker-jitsi-meet-{component}-1")], $"{component}-id", "test")],
        };
        var settings = new PluginSettings { MetricsSchema = schema == "prometheus" ? MetricsSchema.Prometheus : MetricsSchema.JitsiStats };
        var gatherer = new Gatherer(targets, new BlockingHttpClient(TimeSpan.FromSeconds(5), 4 * 1024 * 1024), settings, new TargetStateLog(log), log, _clock);

        // The version is read in the first gather and tagged from the second on, so the second is the one compared.
        await Task.Run(() => gatherer.Gather(CancellationToken.None));
        return LineProtocolDecoder.Decode(await Task.Run(() => Encoding.UTF8.GetString(gatherer.Gather(CancellationToken.None).Span)));
    }

    [GeneratedRegex("""^jitsi_jicofo_version_info\{version="([^"]*)",?\}""", RegexOptions.Multiline)]
    private static partial Regex VersionInfo();

    [GeneratedRegex("""[{,]host="([^"]*)"[,}]""")]
    private static partial Regex HostLabel();

    [GeneratedRegex("""^prosody_mod_c2s__connections\{(?<labels>[^}]*)\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex C2sConnections();
}
