using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The shipped dashboard and alert rules against two docker-jitsi-meet servers sharing one InfluxDB
/// (<see cref="TwoServerFeed"/>): every panel, with one server picked, shows only that server's numbers, and with All
/// shows both, a bridge, Jibri or Jigasi both shards' Jicofos report counted once.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class GrafanaTwoServerTests(DockerEngineFixture docker, TwoServerFeed feed) : IClassFixture<TwoServerFeed>
{
    private static readonly string DashboardPath = Path.Combine(RepositoryPaths.Root, "plugin", "grafana", "jitsi-stats-dashboard.json");

    [Fact]
    public async Task Every_JVB_and_Jicofo_panel_and_variable_shows_each_servers_own_numbers_and_both_for_All()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTimeRange range = await RangeAsync();
        DashboardQueryAudit jvbs = DashboardQueryAudit.ForJvbs(feed.Influx, TwoServerFeed.Jvbs, range);
        DashboardQueryAudit jicofos = DashboardQueryAudit.ForJicofos(feed.Influx, TwoServerFeed.Jicofos, range);

        IReadOnlyList<string> problems =
        [
            .. await jvbs.CheckVariablesAsync(dashboard), .. await jvbs.CheckTargetsAsync(dashboard),
            .. await jicofos.CheckVariablesAsync(dashboard), .. await jicofos.CheckTargetsAsync(dashboard),
        ];

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(jvbs.QueriesRun >= jvbs.TargetsOf(dashboard).Count * 4, $"only {jvbs.QueriesRun} JVB queries ran");
        Assert.True(jicofos.QueriesRun >= jicofos.TargetsOf(dashboard).Count * 4, $"only {jicofos.QueriesRun} Jicofo queries ran");
    }

    [Fact]
    public async Task Every_fleet_panel_shows_each_shards_view_alone_and_each_bridge_Jibri_and_Jigasi_once_for_All()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        var audit = new FleetQueryAudit(feed.Influx, TwoServerFeed.Jicofos, await RangeAsync());
        IReadOnlyList<GrafanaTarget> targets = FleetQueryAudit.TargetsOf(dashboard);

        IReadOnlyList<string> problems = await audit.CheckAsync(dashboard);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(audit.QueriesRun >= targets.Count * 3, $"only {audit.QueriesRun} queries ran for {targets.Count} targets");

        // Figures read in the two payloads by hand, for All: a bridge both shards list holds the endpoints of both, and
        // is listed once; a Jibri both see is counted once, idle or busy; the participants of a Jigasi both see are its
        // own, not twice theirs.
        GrafanaTarget Target(string measurement, string field) => targets.Single(target => target.Measurement == measurement && target.Fields[0] == field && !FleetQueryAudit.CountsBridges(target));
        IReadOnlyList<FedJicofo> all = TwoServerFeed.Jicofos;
        Assert.Equal(
            new Dictionary<string, double> { ["7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"] = 0, ["jvb-eu-1a"] = 14, ["jvb-eu-2b"] = 6, ["jvb-eu-3c"] = 6 },
            FleetQueryAudit.Expected(Target("jicofo_bridge", "endpoints"), all));
        Assert.Equal(0.85, FleetQueryAudit.Expected(Target("jicofo_bridge", "stress"), all)["jvb-eu-2b"]);
        // Operational is each Jicofo's own view: a bridge the shards disagree on is shown non-operational for All, and
        // is not counted among the operational ones, so the alert's signal stays in sight.
        Dictionary<string, bool[]> views = OperationalViews(all);
        string[] disputed = [.. views.Where(view => view.Value.Distinct().Count() > 1).Select(view => view.Key)];
        Assert.NotEmpty(disputed);
        Assert.All(disputed, bridge =>
        {
            Assert.Equal(0.0, FleetQueryAudit.Expected(Target("jicofo_bridge", "operational"), all)[bridge]);
            Assert.All(all, one => Assert.Equal(OperationalViews([one]).TryGetValue(bridge, out bool[]? own) && own[0] ? 1.0 : 0.0, FleetQueryAudit.Expected(Target("jicofo_bridge", "operational"), [one]).GetValueOrDefault(bridge, 0.0)));
        });
        Assert.Equal(
            [(double)views.Count, views.Count(view => view.Value.All(operational => operational))],
            targets.Where(FleetQueryAudit.CountsBridges).OrderBy(target => target.RefId, StringComparer.Ordinal).Select(target => FleetQueryAudit.Expected(target, all)[""]));
        Assert.Equal([4.0, 3.0], targets.Where(FleetQueryAudit.CountsBridges).OrderBy(target => target.RefId, StringComparer.Ordinal).Select(target => FleetQueryAudit.Expected(target, all)[""]));
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_jibri", "idle"), all)[""]);
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_jibri", "busy"), all)[""]);
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_jigasi", "participants"), all)["jigasi-sip-1"]);
    }

    [Fact]
    public async Task A_per_bridge_panel_that_adds_up_what_every_Jicofo_reports_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget stress = FleetQueryAudit.TargetsOf(dashboard).Single(target => target.Fields[0] == "stress");
        GrafanaDashboard broken = dashboard with { Targets = [stress with { Query = stress.Query.Replace("SELECT max(\"stress\")", "SELECT sum(\"stress\")", StringComparison.Ordinal) }] };

        IReadOnlyList<string> problems = await new FleetQueryAudit(feed.Influx, TwoServerFeed.Jicofos, await RangeAsync()).CheckAsync(broken);

        // Only All adds the two shards' stress of the bridges both report, jvb-eu-1a and jvb-eu-2b.
        Assert.Equal(2, problems.Count);
        Assert.All(problems, problem => Assert.Contains("with server=All", problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_Prosody_panel_shows_each_servers_Prosody_alone_and_both_for_All()
    {
        await feed.FedAsync(docker.Engine);
        var audit = new ProsodyQueryAudit(feed.Influx, [(TwoServerFeed.ShardA, DockerJitsiMeet.Prosody), (TwoServerFeed.ShardB, DockerJitsiMeet.Prosody)], DateTimeOffset.UtcNow);

        IReadOnlyList<string> problems = await audit.CheckAsync(GrafanaDashboard.Load(DashboardPath));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(audit.QueriesRun >= 1 + (ProsodyQueryAudit.TargetsOf(GrafanaDashboard.Load(DashboardPath)).Count * 6), $"only {audit.QueriesRun} queries ran");
    }

    [Fact]
    public async Task The_health_and_plugin_panels_show_each_servers_own_JVB_and_plugin()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTimeRange range = await RangeAsync();

        // The first server's JVB answers /about/health; the second's serves no health API, so writes no healthy.
        DashboardQueryAudit health = DashboardQueryAudit.ForHealth(feed.Influx, [(TwoServerFeed.ShardA, DockerJitsiMeet.Jvb, 1.0)], range);
        // Each plugin found four components (JVB, Jicofo, Jigasi, Prosody), one of them a JVB, and all answered.
        var fields = new Dictionary<string, double> { ["targets_found"] = 4, ["targets_answered"] = 4, ["jvbs_found"] = 1, ["jvbs_answered"] = 1 };
        var plugin = new SelfMeasurementQueryAudit(feed.Influx, [new(TwoServerFeed.ShardA, "discovery", fields), new(TwoServerFeed.ShardB, "discovery", fields)], range);

        IReadOnlyList<string> problems = [.. await health.CheckTargetsAsync(dashboard), .. await plugin.CheckAsync(dashboard)];

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task The_fleet_alerts_fire_per_server_only_for_the_bridge_that_servers_Jicofo_holds_non_operational()
    {
        await feed.FedAsync(docker.Engine);
        IReadOnlyList<string> queries = AlertQuery.Rules();
        DateTimeOffset now = DateTimeOffset.UtcNow;

        Dictionary<string, double> operational = await AlertQuery.ValueBySeriesAsync(feed.Influx, queries[2], now.AddHours(-1), now);
        Dictionary<string, double> available = await AlertQuery.ValueBySeriesAsync(feed.Influx, queries[3], now.AddHours(-1), now);

        Assert.Equal([$"{TwoServerFeed.ShardA}/jvb-eu-2b"], operational.Where(pair => pair.Value < 1).Select(pair => pair.Key));
        Assert.Equal(6, operational.Count);
        Assert.Equal(new Dictionary<string, double> { [TwoServerFeed.ShardA] = TwoServerFeed.Gathers, [TwoServerFeed.ShardB] = TwoServerFeed.Gathers }, available);
    }

    [Fact]
    public async Task The_server_variable_lists_each_server_and_names_every_measurement_the_plugins_printed()
    {
        IReadOnlyList<string> problems = await ServerVariableProblemsAsync(feed.Influx, await feed.FedAsync(docker.Engine));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// What is wrong with the dashboard's server variable for the servers fed: its query, run on their database, must
    /// list exactly their hosts, and its measurement pattern must name every measurement either plugin printed, so a
    /// server writing only one of them (a Jigasi alone, a Jicofo serving /metrics only) is listed too.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> ServerVariableProblemsAsync(InfluxDb influx, IReadOnlyList<TwoServerFeed.Server> servers)
    {
        var problems = new List<string>();
        GrafanaVariable server = GrafanaDashboard.Load(DashboardPath).Variable("server");
        string[] listed = [.. InfluxDb.Rows(await influx.QueryAsync(server.Query)).Select(row => row[1].GetString()!).Order(StringComparer.Ordinal)];
        string[] hosts = [.. servers.Select(one => one.Host).Order(StringComparer.Ordinal)];
        if (!listed.SequenceEqual(hosts))
        {
            problems.Add($"server lists [{string.Join(", ", listed)}], expected [{string.Join(", ", hosts)}]");
        }

        // The FROM /regex/ as InfluxDB matches it against each measurement name (Go's RE2, the same as .NET's for this pattern).
        System.Text.RegularExpressions.Match from = System.Text.RegularExpressions.Regex.Match(server.Query, "FROM /(?<pattern>[^/]+)/");
        var pattern = new System.Text.RegularExpressions.Regex(from.Groups["pattern"].Value, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        foreach (string measurement in servers.SelectMany(one => LineProtocolDecoder.DecodeLines(one.Printed)).Select(point => point.Measurement).Distinct().Order(StringComparer.Ordinal))
        {
            if (!from.Success || !pattern.IsMatch(measurement))
            {
                problems.Add($"server's query {server.Query} does not read {measurement}: a server writing only that is not listed");
            }
        }

        return problems;
    }

    /// <summary>Each bridge's "operational" in the /debug payloads of the Jicofos, by nickname (the JID's resource), one view per Jicofo listing it.</summary>
    private static Dictionary<string, bool[]> OperationalViews(IReadOnlyList<FedJicofo> jicofos) =>
        jicofos.SelectMany(one =>
            {
                using JsonDocument debug = JsonDocument.Parse(TestData.Bytes("jicofo", one.DebugPayload));
                return debug.RootElement.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject()
                    .Select(bridge => (Nickname: bridge.Name.Split('/')[1], Operational: bridge.Value.GetProperty("operational").GetBoolean())).ToArray();
            })
            .GroupBy(view => view.Nickname, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(view => view.Operational).ToArray(), StringComparer.Ordinal);

    /// <summary>The last 6 hours, Grafana's default range, and 10 s, the interval of Telegraf's sample config; feeds the database first.</summary>
    private async Task<GrafanaTimeRange> RangeAsync()
    {
        await feed.FedAsync(docker.Engine);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new GrafanaTimeRange(now.AddHours(-6), now, TimeSpan.FromSeconds(10));
    }
}
