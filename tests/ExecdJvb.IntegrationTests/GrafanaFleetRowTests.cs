using System.Net;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The dashboard's "Bridges as Jicofo sees them" row and the two fleet alert rules of plugin/grafana/README.md against a
/// real InfluxDB fed by the published plugin under the Telegraf-like harness (<see cref="JitsiStatsFeed.JicofosAsync"/>:
/// a docker-jitsi-meet Jicofo stand-in serving the /debug payload, read through Docker by two servers and through its
/// URL by a third): each panel shows the payload's numbers for each Jicofo picked, and each alert fires for what it
/// names and for nothing else.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class GrafanaFleetRowTests(DockerEngineFixture docker, JitsiStatsFeed feed) : IClassFixture<JitsiStatsFeed>
{
    private static readonly string DashboardPath = Path.Combine(RepositoryPaths.Root, "plugin", "grafana", "jitsi-stats-dashboard.json");

    [Fact]
    public async Task Every_fleet_panel_query_shows_the_payloads_bridges_Jibris_and_Jigasis_for_each_Jicofo_picked()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        (FleetQueryAudit audit, IReadOnlyList<FedJicofo> jicofos) = await AuditAsync();
        IReadOnlyList<GrafanaTarget> targets = FleetQueryAudit.TargetsOf(dashboard);

        IReadOnlyList<string> problems = await audit.CheckAsync(dashboard);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.All(targets, target => Assert.Equal(FleetQueryAudit.Row, target.Row));
        Assert.Equal(
            ["busy", "endpoints", "failing_ice", "graceful_shutdown", "idle", "listed", "operational", "participants", "stress", "unhealthy"],
            targets.Select(target => target.Fields[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.True(audit.QueriesRun >= targets.Count * (1 + jicofos.Count), $"only {audit.QueriesRun} queries ran for {targets.Count} targets");

        // Figures read in the payload by hand: the bridge in graceful shutdown is not operational and holds 4
        // endpoints; one Jibri of two is busy, the other idle; the SIP Jigasi carries one participant.
        GrafanaTarget Target(string measurement, string field) => targets.Single(target => target.Measurement == measurement && target.Fields[0] == field && !FleetQueryAudit.CountsBridges(target));
        FedJicofo[] one = [jicofos[0]];
        Assert.Equal(0.0, FleetQueryAudit.Expected(Target("jicofo_bridge", "operational"), one)["jvb-eu-2b"]);
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_bridge", "graceful_shutdown"), one)["jvb-eu-2b"]);
        Assert.Equal(4.0, FleetQueryAudit.Expected(Target("jicofo_bridge", "endpoints"), one)["jvb-eu-2b"]);
        Assert.Equal(9.0, FleetQueryAudit.Expected(Target("jicofo_bridge", "endpoints"), one)["jvb-eu-1a"]);
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_jibri", "idle"), one)[""]);
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_jibri", "busy"), one)[""]);
        Assert.Equal(0.0, FleetQueryAudit.Expected(Target("jicofo_jibri", "unhealthy"), one)[""]);
        Assert.Equal(1.0, FleetQueryAudit.Expected(Target("jicofo_jigasi", "participants"), one)["jigasi-sip-1"]);
        Assert.Equal(
            [3.0, 2.0],
            targets.Where(FleetQueryAudit.CountsBridges).OrderBy(target => target.RefId, StringComparer.Ordinal).Select(target => FleetQueryAudit.Expected(target, one)[""]));
    }

    [Fact]
    public async Task A_fleet_panel_that_ignores_the_Jicofo_picked_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget endpoints = FleetQueryAudit.TargetsOf(dashboard).Single(target => target.Fields.SequenceEqual(["endpoints"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [endpoints with { Query = endpoints.Query.Replace("\"host\" =~ /^$server$/ AND ", "", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await (await AuditAsync()).Audit.CheckAsync(broken);

        // Each Jicofo picked alone adds the endpoints of the others on the same container name (or, for the url one,
        // of all) to those of each of its 2 bridges that hold any (the third holds 0).
        Assert.Equal(6, problems.Count);
        Assert.All(problems, problem => Assert.Contains(", the payloads give ", problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_bridge_alert_fires_for_the_bridge_Jicofo_holds_non_operational_and_the_Jibri_alert_only_where_no_Jibri_is_available()
    {
        IReadOnlyList<FedJicofo> jicofos = (await AuditAsync()).Jicofos;
        (string nonOperational, string noJibri) = Rules();
        DateTimeOffset now = DateTimeOffset.UtcNow;

        // Every server whose Jicofo reads the payload holds jvb-eu-2b (in graceful shutdown) non-operational, and
        // only that bridge; its other bridges are operational.
        Dictionary<string, double> operational = await AlertQuery.ValueBySeriesAsync(feed.Influx, nonOperational, now.AddHours(-1), now);
        string[] servers = [.. jicofos.Select(jicofo => jicofo.Host).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal([.. servers.SelectMany(host => new[] { $"{host}/7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6", $"{host}/jvb-eu-1a", $"{host}/jvb-eu-2b" })], operational.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([.. servers.Select(host => $"{host}/jvb-eu-2b")], operational.Where(pair => pair.Value < 1).Select(pair => pair.Key).Order(StringComparer.Ordinal));

        // One Jibri of the payload is available: no server alerts.
        Dictionary<string, double> available = await AlertQuery.ValueBySeriesAsync(feed.Influx, noJibri, now.AddHours(-1), now);
        Assert.Equal(servers, available.Keys.Order(StringComparer.Ordinal));
        Assert.All(available.Values, sum => Assert.True(sum >= 1, $"sum(available) {sum}"));

        // Hours earlier (outside every range above and the panels'), three servers for 5 minutes: one whose Jibris
        // are all busy, one where a Jibri frees up once, and one whose Jicofo knows a Jibri but no status yet.
        DateTimeOffset earlier = now.AddHours(-8);
        var lines = new List<string>();
        for (int minute = 0; minute < 5; minute++)
        {
            string at = InfluxDb.Epoch(earlier.AddMinutes(minute));
            lines.Add($"jicofo_jibri,host=none-free.example.org,jibri=jibri-7f3c,kind=recording available=0,busy=1,healthy=1 {at}");
            lines.Add($"jicofo_jibri,host=none-free.example.org,jibri=jibri-a912,kind=recording available=0,busy=1,healthy=1 {at}");
            lines.Add($"jicofo_jibri,host=one-frees.example.org,jibri=jibri-7f3c,kind=recording available={(minute == 3 ? 1 : 0)},busy={(minute == 3 ? 0 : 1)},healthy=1 {at}");
            lines.Add($"jicofo_bridge,host=no-status.example.org,jvb=jvb-eu-1a operational=1 {at}");

            // Two Jicofos of one server: one holds the bridge operational throughout, the other not at any gather.
            lines.Add($"jicofo_bridge,container_name=jicofo-a,host=two-shards.example.org,jvb=jvb-eu-1a operational=1 {at}");
            lines.Add($"jicofo_bridge,container_name=jicofo-b,host=two-shards.example.org,jvb=jvb-eu-1a operational=0 {at}");

            // And one where the other Jicofo holds it operational again once within the range.
            lines.Add($"jicofo_bridge,container_name=jicofo-a,host=recovers.example.org,jvb=jvb-eu-1a operational=1 {at}");
            lines.Add($"jicofo_bridge,container_name=jicofo-b,host=recovers.example.org,jvb=jvb-eu-1a operational={(minute == 4 ? 1 : 0)} {at}");
        }

        (HttpStatusCode status, string body) = await feed.Influx.WriteAsync(string.Join('\n', lines) + "\n");
        Assert.True(status == HttpStatusCode.NoContent, $"InfluxDB answered {(int)status} {body}");
        Dictionary<string, double> then = await AlertQuery.ValueBySeriesAsync(feed.Influx, noJibri, earlier.AddSeconds(-1), earlier.AddMinutes(5));
        Assert.Equal(new Dictionary<string, double> { ["none-free.example.org"] = 0, ["one-frees.example.org"] = 1 }, then);
        Assert.Equal(["none-free.example.org"], then.Where(pair => pair.Value < 1).Select(pair => pair.Key));

        Dictionary<string, double> held = await AlertQuery.ValueBySeriesAsync(feed.Influx, nonOperational, earlier.AddSeconds(-1), earlier.AddMinutes(5));
        Assert.Equal(new Dictionary<string, double> { ["no-status.example.org/jvb-eu-1a"] = 1, ["recovers.example.org/jvb-eu-1a"] = 1, ["two-shards.example.org/jvb-eu-1a"] = 0 }, held);
    }

    /// <summary>The last two alert queries of plugin/grafana/README.md, those on Jicofo's view of the fleet, in its order.</summary>
    private static (string NonOperational, string NoJibri) Rules()
    {
        IReadOnlyList<string> queries = AlertQuery.Rules();
        return (queries[2], queries[3]);
    }

    /// <summary>The last 6 hours, Grafana's default range, and 10 s, the interval of Telegraf's sample config.</summary>
    private async Task<(FleetQueryAudit Audit, IReadOnlyList<FedJicofo> Jicofos)> AuditAsync()
    {
        await feed.FedAsync(docker.Engine);
        IReadOnlyList<FedJicofo> jicofos = await feed.JicofosAsync(docker.Engine);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return (new FleetQueryAudit(feed.Influx, jicofos, new GrafanaTimeRange(now.AddHours(-6), now, TimeSpan.FromSeconds(10))), jicofos);
    }
}
