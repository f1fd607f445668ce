namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The dashboard's "Health and plugin" row against a real InfluxDB fed by the published plugin run with
/// report_unreachable and self_measurement (<see cref="HealthFeed"/>): the health panel shows 1 for a JVB that answers
/// and 0 for one found but silent, the plugin panels show what each plugin found and what answered, whatever the
/// servers and JVBs picked.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class GrafanaHealthRowTests(DockerEngineFixture docker, HealthFeed feed) : IClassFixture<HealthFeed>
{
    private static readonly string DashboardPath = Path.Combine(RepositoryPaths.Root, "plugin", "grafana", "jitsi-stats-dashboard.json");

    [Fact]
    public async Task The_health_panel_shows_1_for_the_answering_JVB_and_0_for_the_silent_one_for_All_and_each_JVB_alone()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        DashboardQueryAudit audit = await HealthAuditAsync();
        IReadOnlyList<GrafanaTarget> targets = audit.TargetsOf(dashboard);

        IReadOnlyList<string> problems = [.. await audit.CheckVariablesAsync(dashboard), .. await audit.CheckTargetsAsync(dashboard)];

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(["healthy"], targets.SelectMany(target => target.Fields).Distinct());
        Assert.All(targets, target => Assert.Contains("report_unreachable", target.PanelDescription, StringComparison.Ordinal));
        // Variables: All and each of 2 hosts and both ticked; targets: All, all ticked and each of 3 JVBs alone.
        Assert.True(audit.QueriesRun >= 5 + (targets.Count * 5), $"only {audit.QueriesRun} queries ran for {targets.Count} targets");
    }

    [Fact]
    public async Task The_plugin_panels_show_the_components_and_JVBs_each_plugin_found_and_that_answered()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        SelfMeasurementQueryAudit audit = await PluginAuditAsync();
        IReadOnlyList<GrafanaTarget> targets = SelfMeasurementQueryAudit.TargetsOf(dashboard);

        IReadOnlyList<string> problems = await audit.CheckAsync(dashboard);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(["jvbs_answered", "jvbs_found", "targets_answered", "targets_found"], targets.SelectMany(target => target.Fields).Distinct().Order(StringComparer.Ordinal));
        Assert.All(targets, target => Assert.Contains("self_measurement = \"execd_jvb\"", target.PanelDescription, StringComparison.Ordinal));
        Assert.True(audit.QueriesRun >= 1 + (targets.Count * 4), $"only {audit.QueriesRun} queries ran for {targets.Count} targets");
    }

    [Fact]
    public async Task A_health_panel_reading_a_field_the_plugin_never_writes_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        DashboardQueryAudit audit = await HealthAuditAsync();
        GrafanaTarget health = Assert.Single(audit.TargetsOf(dashboard));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [health with { Query = health.Query.Replace("\"healthy\"", "\"health\"", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await audit.CheckTargetsAsync(broken);

        Assert.Contains($"{health}: no JVB reports health", problems);
    }

    [Fact]
    public async Task A_plugin_panel_that_ignores_the_servers_picked_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget answered = SelfMeasurementQueryAudit.TargetsOf(dashboard).First(target => target.Fields.SequenceEqual(["targets_answered"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [answered with { Query = answered.Query.Replace("\"host\" =~ /^$server$/ AND ", "", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await (await PluginAuditAsync()).CheckAsync(broken);

        // With one server picked, the other's plugin shows too; with All or both ticked, all is as it should be.
        Assert.Equal(2, problems.Count);
        Assert.All(problems, problem => Assert.Contains($"shows numbers for [{HealthFeed.UrlsHost}/urls, {HealthFeed.DiscoveryHost}/discovery]", problem, StringComparison.Ordinal));
    }

    /// <summary>The last 6 hours, Grafana's default range, and 10 s, the interval of Telegraf's sample config.</summary>
    private async Task<DashboardQueryAudit> HealthAuditAsync()
    {
        HealthFeed.Fed fed = await feed.FedAsync(docker.Engine);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return DashboardQueryAudit.ForHealth(feed.Influx, fed.Jvbs, new GrafanaTimeRange(now.AddHours(-6), now, TimeSpan.FromSeconds(10)));
    }

    private async Task<SelfMeasurementQueryAudit> PluginAuditAsync()
    {
        HealthFeed.Fed fed = await feed.FedAsync(docker.Engine);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new SelfMeasurementQueryAudit(feed.Influx, fed.SelfPoints, new GrafanaTimeRange(now.AddHours(-6), now, TimeSpan.FromSeconds(10)));
    }
}
