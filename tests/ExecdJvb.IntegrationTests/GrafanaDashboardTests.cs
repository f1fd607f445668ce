using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The shipped Grafana dashboard (plugin/grafana/jitsi-stats-dashboard.json) against a real InfluxDB fed by the
/// published plugin through Docker discovery: every query, as Grafana would send it, returns each JVB's own
/// numbers, for both colibri eras, each Jicofo's own numbers, and the Prosody capture's numbers as the plugin writes
/// them; the variables list the servers and containers written.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class GrafanaDashboardTests(DockerEngineFixture docker, JitsiStatsFeed feed) : IClassFixture<JitsiStatsFeed>
{
    private static readonly string DashboardPath = Path.Combine(RepositoryPaths.Root, "plugin", "grafana", "jitsi-stats-dashboard.json");

    [Fact]
    public void The_dashboard_is_an_export_that_asks_for_an_InfluxDB_data_source_on_import()
    {
        JsonElement json = GrafanaDashboard.Load(DashboardPath).Json;

        JsonElement input = Assert.Single(json.GetProperty("__inputs").EnumerateArray());
        Assert.Equal("DS_INFLUXDB", input.GetProperty("name").GetString());
        Assert.Equal("datasource", input.GetProperty("type").GetString());
        Assert.Equal("influxdb", input.GetProperty("pluginId").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("id").ValueKind);
        Assert.True(json.GetProperty("schemaVersion").GetInt32() >= 39, "schemaVersion 39 (Grafana 10.4) or later");

        JsonElement[] panels = [.. GrafanaDashboard.Panels(json)];
        string[] required = [.. json.GetProperty("__requires").EnumerateArray().Select(require => $"{require.GetProperty("type").GetString()}:{require.GetProperty("id").GetString()}")];
        Assert.Contains("grafana:grafana", required);
        Assert.Contains("datasource:influxdb", required);
        Assert.All(panels.Select(panel => panel.GetProperty("type").GetString()).Distinct(), type => Assert.Contains($"panel:{type}", required));
        JsonElement[] all = [.. json.GetProperty("panels").EnumerateArray()];
        Assert.Equal(all.Length, all.Select(panel => panel.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.Equal(["Now", "Over time", "Jicofo", "Prosody", DashboardQueryAudit.HealthRow, FleetQueryAudit.Row], all.Where(panel => panel.GetProperty("type").GetString() == "row").Select(row => row.GetProperty("title").GetString()!));
        Assert.All(["jitsi_stats", "jicofo_stats"], measurement => Assert.Equal(
            ["stat", "timeseries"],
            panels.Where(panel => Reads(panel, measurement)).Select(panel => panel.GetProperty("type").GetString()!).Distinct().Order(StringComparer.Ordinal)));
        Assert.Equal(["stat", "timeseries"], panels.Where(panel => Reads(panel, "prosody_")).Select(panel => panel.GetProperty("type").GetString()!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["timeseries"], panels.Where(panel => Reads(panel, "execd_jvb")).Select(panel => panel.GetProperty("type").GetString()!).Distinct());

        // Every use of a data source is the input, so import asks for it once and binds everything to it.
        IEnumerable<JsonElement> sources = panels.Select(panel => panel.GetProperty("datasource"))
            .Concat(panels.SelectMany(panel => panel.GetProperty("targets").EnumerateArray()).Select(target => target.GetProperty("datasource")))
            .Concat(json.GetProperty("templating").GetProperty("list").EnumerateArray().Select(variable => variable.GetProperty("datasource")));
        Assert.All(sources, source =>
        {
            Assert.Equal("influxdb", source.GetProperty("type").GetString());
            Assert.Equal("${DS_INFLUXDB}", source.GetProperty("uid").GetString());
        });
    }

    [Fact]
    public void The_variables_are_the_servers_host_tags_and_the_JVBs_and_Jicofos_container_names()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);

        GrafanaVariable server = dashboard.Variable("server");
        GrafanaVariable jvb = dashboard.Variable("jvb");
        GrafanaVariable jicofo = dashboard.Variable("jicofo");
        Assert.Equal(["server", "jvb", "jicofo"], dashboard.Variables.Select(variable => variable.Name));
        Assert.Equal("SHOW TAG VALUES FROM /^(jitsi_stats|jicofo_stats|jigasi_stats|jicofo_bridge|jicofo_jibri|jicofo_jigasi|execd_jvb|prosody_.+|jitsi_jicofo_.+|jitsi_jvb_.+)$/ WITH KEY = \"host\"", server.Query);
        Assert.StartsWith("""SHOW TAG VALUES FROM "jitsi_stats" WITH KEY = "container_name" WHERE""", jvb.Query, StringComparison.Ordinal);
        Assert.StartsWith("""SHOW TAG VALUES FROM "jicofo_stats" WITH KEY = "container_name" WHERE""", jicofo.Query, StringComparison.Ordinal);
        Assert.All([jvb, jicofo], variable => Assert.Contains("$server", variable.Query, StringComparison.Ordinal));
        Assert.All([server, jvb, jicofo], variable => Assert.True(variable.Multi && variable.IncludeAll && variable.AllValue == ".*", $"{variable.Name} offers several values and All, written .*"));

        // Each row's queries use the variables that pick its components, and only those.
        Assert.All(dashboard.Targets, target =>
        {
            (string[] uses, string[] never) = target.Measurement switch
            {
                "jitsi_stats" => (new[] { "$server", "$jvb" }, new[] { "$jicofo" }),
                "jicofo_stats" => (new[] { "$server", "$jicofo" }, new[] { "$jvb" }),
                "jicofo_bridge" or "jicofo_jibri" or "jicofo_jigasi" => (new[] { "$server", "$jicofo" }, new[] { "$jvb" }),
                "execd_jvb" => (new[] { "$server" }, new[] { "$jvb", "$jicofo" }),
                string other when other.StartsWith("prosody_", StringComparison.Ordinal) => (new[] { "$server" }, new[] { "$jvb", "$jicofo", "$prosody" }),
                string other => throw new Xunit.Sdk.XunitException($"{target} reads {other}, which no row of the dashboard is for"),
            };
            Assert.All(uses.Append("$timeFilter"), name => Assert.Contains(name, target.Query, StringComparison.Ordinal));
            Assert.All(never, name => Assert.DoesNotContain(name, target.Query, StringComparison.Ordinal));
        });

        // The health row: jitsi_stats' healthy and the plugin's own execd_jvb, nothing else; the plugin's own points
        // are read nowhere else.
        GrafanaTarget[] healthRow = [.. dashboard.Targets.Where(target => target.Row == DashboardQueryAudit.HealthRow)];
        Assert.Equal(["execd_jvb", "jitsi_stats"], healthRow.Select(target => target.Measurement).Distinct().Order(StringComparer.Ordinal));
        Assert.All(healthRow.Where(target => target.Measurement == "jitsi_stats"), target => Assert.Equal(["healthy"], target.Fields));
        Assert.All(dashboard.Targets.Where(target => target.Measurement == "execd_jvb" || (target.Measurement == "jitsi_stats" && target.Fields.Contains("healthy"))), target => Assert.Equal(DashboardQueryAudit.HealthRow, target.Row));

        // Each value is the last of its interval, and an interval without a point stays empty: healthy=0 shows as 0,
        // no point as no data (the health panel does not draw a line across it either).
        Assert.All(healthRow, target =>
        {
            Assert.StartsWith("SELECT last(", target.Query, StringComparison.Ordinal);
            Assert.EndsWith(" fill(null)", target.Query, StringComparison.Ordinal);
        });
        JsonElement healthPanel = Assert.Single(GrafanaDashboard.Panels(dashboard.Json), panel => Reads(panel, "jitsi_stats") && panel.GetProperty("targets")[0].GetProperty("query").GetString()!.Contains("\"healthy\"", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.False, healthPanel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("custom").GetProperty("spanNulls").ValueKind);

        // Jicofo's view of the fleet is its own row, which reads nothing else; each query takes the last value of each
        // bridge, Jibri or Jigasi per interval, and leaves an interval without a point empty.
        GrafanaTarget[] fleetRow = [.. dashboard.Targets.Where(target => target.Row == FleetQueryAudit.Row)];
        Assert.Equal(["jicofo_bridge", "jicofo_jibri", "jicofo_jigasi"], fleetRow.Select(target => target.Measurement).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(fleetRow, dashboard.Targets.Where(FleetQueryAudit.Reads));
        Assert.All(fleetRow, target =>
        {
            Assert.Contains("last(", target.Query, StringComparison.Ordinal);
            Assert.EndsWith(" fill(null)", target.Query, StringComparison.Ordinal);
        });

        // Prosody's XMPP domain is its tag xmpp_host: its panels show one series per server, container and domain.
        Assert.All(ProsodyQueryAudit.TargetsOf(dashboard), target =>
        {
            Assert.EndsWith(""" GROUP BY time($__interval), "host", "container_name", "xmpp_host" fill(null)""", target.Query, StringComparison.Ordinal);
            Assert.Contains("xmpp_host", target.PanelDescription, StringComparison.Ordinal);
        });
        Assert.NotEmpty(ProsodyQueryAudit.TargetsOf(dashboard));
    }

    [Fact]
    public async Task The_variables_list_every_server_and_the_JVB_containers_of_the_servers_picked()
    {
        DashboardQueryAudit audit = await AuditAsync();

        IReadOnlyList<string> problems = await audit.CheckVariablesAsync(GrafanaDashboard.Load(DashboardPath));

        Assert.Empty(problems);
        Assert.True(audit.QueriesRun >= 6, $"only {audit.QueriesRun} variable queries ran");
    }

    [Fact]
    public async Task The_jicofo_variable_lists_the_Jicofo_containers_of_the_servers_picked()
    {
        DashboardQueryAudit audit = await JicofoAuditAsync();

        IReadOnlyList<string> problems = await audit.CheckVariablesAsync(GrafanaDashboard.Load(DashboardPath));

        Assert.Empty(problems);
        Assert.True(audit.QueriesRun >= 6, $"only {audit.QueriesRun} variable queries ran");
    }

    [Fact]
    public async Task Every_Jicofo_panel_query_shows_each_Jicofos_own_numbers()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        DashboardQueryAudit audit = await JicofoAuditAsync();
        IReadOnlyList<GrafanaTarget> targets = audit.TargetsOf(dashboard);

        IReadOnlyList<string> problems = await audit.CheckTargetsAsync(dashboard);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(
            ["bridge_selector_bridge_count", "bridge_selector_operational_bridge_count", "conferences", "jibri_detector_available", "jibri_detector_count", "participants"],
            targets.SelectMany(target => target.Fields).Distinct().Order(StringComparer.Ordinal));
        Assert.True(audit.QueriesRun >= targets.Count * 5, $"only {audit.QueriesRun} queries ran for {targets.Count} targets");
    }

    [Fact]
    public async Task A_Jicofo_panel_for_a_field_Jicofo_never_writes_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        DashboardQueryAudit audit = await JicofoAuditAsync();
        GrafanaTarget operational = audit.TargetsOf(dashboard).First(target => target.Fields.SequenceEqual(["bridge_selector_operational_bridge_count"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [operational with { Query = operational.Query.Replace("\"bridge_selector_operational_bridge_count\"", "\"operational_bridges\"", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await audit.CheckTargetsAsync(broken);

        Assert.Contains($"{operational}: no Jicofo payload reports operational_bridges", problems);
    }

    [Fact]
    public async Task Every_Prosody_panel_query_shows_the_captures_connections_and_rooms_for_any_interval()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        ProsodyQueryAudit audit = await ProsodyAuditAsync();

        IReadOnlyList<string> problems = await audit.CheckAsync(dashboard);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(["prosody_mod_c2s__connections", "prosody_mod_muc__live_room"], ProsodyQueryAudit.TargetsOf(dashboard).Select(target => target.Measurement).Distinct().Order(StringComparer.Ordinal));
        Assert.True(audit.QueriesRun >= 1 + (ProsodyQueryAudit.TargetsOf(dashboard).Count * 4), $"only {audit.QueriesRun} queries ran");
    }

    [Fact]
    public async Task Summing_Prosodys_connections_without_taking_each_ip_familys_last_value_first_fails_the_audit_once_a_bucket_holds_several_gathers()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget connections = ProsodyQueryAudit.TargetsOf(dashboard).First(target => target.Measurement == "prosody_mod_c2s__connections");
        GrafanaDashboard broken = dashboard with
        {
            Targets = [connections with
            {
                Query = """SELECT sum("gauge") FROM "prosody_mod_c2s__connections" WHERE "host" =~ /^$server$/ AND $timeFilter GROUP BY time($__interval), "host", "container_name", "xmpp_host" fill(null)""",
            }],
        };

        IReadOnlyList<string> problems = await (await ProsodyAuditAsync()).CheckAsync(broken);

        Assert.NotEmpty(problems);
        Assert.All(problems, problem => Assert.Contains(" every 1m ", problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_panel_query_shows_each_JVBs_own_numbers_for_both_colibri_eras()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        DashboardQueryAudit audit = await AuditAsync();

        IReadOnlyList<GrafanaTarget> targets = audit.TargetsOf(dashboard);

        IReadOnlyList<string> problems = await audit.CheckTargetsAsync(dashboard);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        string[] fields = [.. targets.SelectMany(target => target.Fields).Distinct()];
        Assert.Superset(
            new HashSet<string>(["conferences", "participants", "endpoints_sending_audio", "endpoints_sending_video", "largest_conference", "stress_level",
                "bit_rate_download", "bit_rate_upload", "packet_rate_download", "packet_rate_upload", "incoming_loss", "outgoing_loss", "rtt_aggregate"]),
            new HashSet<string>(fields));
        Assert.True(audit.QueriesRun >= targets.Count * 6, $"only {audit.QueriesRun} queries ran for {targets.Count} targets");
    }

    [Fact]
    public async Task A_panel_for_a_field_the_plugin_never_writes_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget conferences = dashboard.Targets.First(target => target.Measurement == "jitsi_stats" && target.Fields.SequenceEqual(["conferences"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [conferences with { Query = conferences.Query.Replace("\"conferences\"", "\"conference_count\"", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await (await AuditAsync()).CheckTargetsAsync(broken);

        Assert.Contains($"{conferences}: no JVB era reports conference_count", problems);
    }

    [Fact]
    public async Task A_variable_compared_with_a_quoted_string_fails_the_audit_because_Grafana_writes_it_as_a_regex()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget participants = dashboard.Targets.First(target => target.Measurement == "jitsi_stats" && target.Fields.SequenceEqual(["participants"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [participants with { Query = participants.Query.Replace("\"host\" =~ /^$server$/", "\"host\" = '$server'", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await (await AuditAsync()).CheckTargetsAsync(broken);

        // "All" writes the custom all value .*, compared as a literal string: no host is called that.
        Assert.Contains(problems, problem => problem.Contains("\"host\" = '.*'", StringComparison.Ordinal) && problem.Contains("shows numbers for []", StringComparison.Ordinal));
        // One server picked is still a regex, (meet\.example\.org), and InfluxQL refuses \. in a string.
        Assert.Contains(problems, problem => problem.Contains(@"""host"" = '(meet\.example\.org)'", StringComparison.Ordinal) && problem.Contains("error parsing query", StringComparison.Ordinal));
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public async Task A_JVB_panel_that_does_not_group_by_url_merges_the_JVBs_one_server_lists_in_urls_and_fails_the_audit()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget participants = dashboard.Targets.First(target => target.Measurement == "jitsi_stats" && target.Fields.SequenceEqual(["participants"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [participants with { Query = participants.Query.Replace(", \"url\" fill(null)", " fill(null)", StringComparison.Ordinal) }],
        };
        Assert.NotEqual(participants.Query, broken.Targets[0].Query);

        IReadOnlyList<string> problems = await (await AuditAsync()).CheckTargetsAsync(broken);

        // Only the scenarios showing static.example.org's two url JVBs see them merged into one series.
        Assert.NotEmpty(problems);
        Assert.All(problems, problem => Assert.Contains("static.example.org/", problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_panel_for_a_field_of_one_era_fails_the_audit_unless_its_description_says_so()
    {
        GrafanaDashboard dashboard = GrafanaDashboard.Load(DashboardPath);
        GrafanaTarget rtt = dashboard.Targets.First(target => target.Measurement == "jitsi_stats" && target.Fields.SequenceEqual(["rtt_aggregate"]));
        GrafanaDashboard broken = dashboard with
        {
            Targets = [rtt with { Query = rtt.Query.Replace("\"rtt_aggregate\"", "\"jitter_aggregate\"", StringComparison.Ordinal) }],
        };

        IReadOnlyList<string> problems = await (await AuditAsync()).CheckTargetsAsync(broken);

        Assert.Equal([$"{rtt}: jitter_aggregate is missing from {ColibriEra.Since2024.Fixture}, and the panel description does not say \"{ColibriEra.Since2024.NotReportedNote}\""], problems);
    }

    /// <summary>The last 6 hours, Grafana's default range, and 10 s, the interval of Telegraf's sample config.</summary>
    private async Task<DashboardQueryAudit> AuditAsync()
    {
        IReadOnlyList<FedJvb> fed = await feed.FedAsync(docker.Engine);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return DashboardQueryAudit.ForJvbs(feed.Influx, fed, new GrafanaTimeRange(now.AddHours(-6), now, TimeSpan.FromSeconds(10)));
    }

    private async Task<DashboardQueryAudit> JicofoAuditAsync()
    {
        await feed.FedAsync(docker.Engine);
        IReadOnlyList<FedJicofo> jicofos = await feed.JicofosAsync(docker.Engine);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return DashboardQueryAudit.ForJicofos(feed.Influx, jicofos, new GrafanaTimeRange(now.AddHours(-6), now, TimeSpan.FromSeconds(10)));
    }

    private async Task<ProsodyQueryAudit> ProsodyAuditAsync()
    {
        await feed.ProsodyAsync();
        return new ProsodyQueryAudit(feed.Influx, [("meet.example.org", JitsiStatsFeed.ProsodyContainer)], DateTimeOffset.UtcNow);
    }

    private static bool Reads(JsonElement panel, string measurement) =>
        panel.GetProperty("targets").EnumerateArray().Any(target => target.GetProperty("query").GetString()!.Contains($"FROM \"{measurement}", StringComparison.Ordinal));
}
