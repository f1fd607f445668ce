using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs every query of one kind of component on a dashboard (the targets reading its measurement) against a database
/// fed with known components, with the variables set as a user would set them and substituted as Grafana does
/// (<see cref="GrafanaInfluxQl"/>), and lists what a user would see go wrong: a variable listing the wrong names, a
/// panel empty for a component that reports its field, a panel showing numbers other than the component's, or a
/// panel for a field one source (a JVB era) lacks that does not say so. Each panel query must select one field and
/// show one series per component: components read from urls carry no container_name, so several of them on one
/// host must each show as a series of its own, with its own numbers. The <c>server</c> variable picks hosts; the
/// row's own variable (<c>jvb</c>, <c>jicofo</c>) the containers on them.
/// </summary>
internal sealed class DashboardQueryAudit
{
    /// <summary>The row whose panels show health (jitsi_stats' healthy) and the plugin's own execd_jvb.</summary>
    public const string HealthRow = "Health and plugin";

    private readonly InfluxDb _influx;
    private readonly GrafanaTimeRange _range;
    private readonly Func<GrafanaTarget, bool> _covers;
    private readonly string _variableName;
    private readonly string _kind;
    private readonly bool _serversAreTheseHosts;
    private readonly IReadOnlyList<Fed> _fed;

    private DashboardQueryAudit(InfluxDb influx, GrafanaTimeRange range, Func<GrafanaTarget, bool> covers, string variableName, string kind, bool serversAreTheseHosts, IReadOnlyList<Fed> fed)
    {
        _influx = influx;
        _range = range;
        _covers = covers;
        _variableName = variableName;
        _kind = kind;
        _serversAreTheseHosts = serversAreTheseHosts;
        _fed = fed;
    }

    /// <summary>The jitsi_stats panels but those of <see cref="HealthRow"/>; the server variable lists exactly these JVBs' hosts.</summary>
    public static DashboardQueryAudit ForJvbs(InfluxDb influx, IReadOnlyList<FedJvb> jvbs, GrafanaTimeRange range) =>
        new(influx, range, target => target.Measurement == "jitsi_stats" && target.Row != HealthRow, "jvb", "JVB era", serversAreTheseHosts: true,
            [.. jvbs.Select(jvb => new Fed(jvb.ToString(), jvb.Host, jvb.ContainerName, jvb.Era.Fixture, jvb.Era.Fields, jvb.Era.NotReportedNote))]);

    /// <summary>
    /// The jitsi_stats panels of <see cref="HealthRow"/>, against JVBs written with report_unreachable: each JVB's
    /// healthy value (1 answering, 0 silent) is its one field; the server variable lists exactly these JVBs' hosts.
    /// </summary>
    public static DashboardQueryAudit ForHealth(InfluxDb influx, IReadOnlyList<(string Host, string ContainerName, double Healthy)> jvbs, GrafanaTimeRange range) =>
        new(influx, range, target => target.Measurement == "jitsi_stats" && target.Row == HealthRow, "jvb", "JVB", serversAreTheseHosts: true,
            [.. jvbs.Select(jvb =>
            {
                string name = $"{jvb.Host}/{(jvb.ContainerName.Length > 0 ? jvb.ContainerName : "(url)")} healthy={jvb.Healthy}";
                return new Fed(name, jvb.Host, jvb.ContainerName, name, new Dictionary<string, double> { ["healthy"] = jvb.Healthy }, "");
            })]);

    /// <summary>The jicofo_stats panels; the server variable (JVB hosts) must list these Jicofos' hosts among others.</summary>
    public static DashboardQueryAudit ForJicofos(InfluxDb influx, IReadOnlyList<FedJicofo> jicofos, GrafanaTimeRange range) =>
        new(influx, range, target => target.Measurement == "jicofo_stats", "jicofo", "Jicofo payload", serversAreTheseHosts: false,
            [.. jicofos.Select(jicofo => new Fed(jicofo.ToString(), jicofo.Host, jicofo.ContainerName, jicofo.Payload, jicofo.Fields, $"Not reported by {jicofo.Payload}"))]);

    public int QueriesRun { get; private set; }

    /// <summary>The dashboard's targets this audit covers: those reading its measurement (in its rows).</summary>
    public IReadOnlyList<GrafanaTarget> TargetsOf(GrafanaDashboard dashboard) => [.. dashboard.Targets.Where(_covers)];

    private IReadOnlyList<string> Hosts => [.. _fed.Select(one => one.Host).Distinct().Order(StringComparer.Ordinal)];

    private IReadOnlyList<string> Containers => [.. _fed.Select(one => one.ContainerName).Where(name => name.Length > 0).Distinct().Order(StringComparer.Ordinal)];

    /// <summary><c>server</c> lists every host; the row's variable lists the containers of the servers picked.</summary>
    public async Task<IReadOnlyList<string>> CheckVariablesAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        GrafanaVariable component = dashboard.Variable(_variableName);
        IReadOnlyList<string> servers = await OptionsAsync(server.Query, [], problems);
        Expect(problems, $"server lists {Join(servers)} instead of {(_serversAreTheseHosts ? "" : "at least ")}{Join(Hosts)}",
            _serversAreTheseHosts ? servers.SequenceEqual(Hosts) : Hosts.All(servers.Contains));

        foreach (VariableSelection picked in ServerSelections(server, servers))
        {
            IReadOnlyList<string> expected = [.. _fed.Where(one => Covers(picked, one.Host)).Select(one => one.ContainerName)
                .Where(name => name.Length > 0).Distinct().Order(StringComparer.Ordinal)];
            IReadOnlyList<string> listed = await OptionsAsync(component.Query, [picked], problems);
            Expect(problems, $"{_variableName} with {picked} lists {Join(listed)} instead of {Join(expected)}", listed.SequenceEqual(expected));
        }

        return problems;
    }

    /// <summary>Every panel query of the measurement, for "All", for each component picked alone and for every name ticked.</summary>
    public async Task<IReadOnlyList<string>> CheckTargetsAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        GrafanaVariable component = dashboard.Variable(_variableName);
        IReadOnlyList<string> servers = await OptionsAsync(server.Query, [], problems);
        VariableSelection allServers = VariableSelection.All(server, servers);
        var scenarios = new List<(IReadOnlyList<VariableSelection> Selections, IReadOnlyList<Fed> Shown)>
        {
            ([allServers, VariableSelection.All(component, await OptionsAsync(component.Query, [allServers], problems))], _fed),
            ([VariableSelection.Of(server, [.. Hosts]), VariableSelection.Of(component, [.. Containers])], [.. _fed.Where(one => one.ContainerName.Length > 0)]),
        };
        foreach (Fed one in _fed)
        {
            VariableSelection host = VariableSelection.Of(server, one.Host);
            // One read from urls is picked by its server and All, which shows every component of that server.
            VariableSelection container = one.ContainerName.Length > 0
                ? VariableSelection.Of(component, one.ContainerName)
                : VariableSelection.All(component, await OptionsAsync(component.Query, [host], problems));
            scenarios.Add(([host, container], one.ContainerName.Length > 0 ? [one] : [.. _fed.Where(other => other.Host == one.Host)]));
        }

        foreach (GrafanaTarget target in TargetsOf(dashboard))
        {
            if (target.Fields is not [string field])
            {
                problems.Add($"{target} selects {target.Fields.Count} fields ({Join(target.Fields)}); each query must select one");
                continue;
            }

            Fed[] sources = [.. _fed.DistinctBy(one => one.Source)];
            Expect(problems, $"{target}: no {_kind} reports {field}", sources.Any(source => source.Fields.ContainsKey(field)));
            foreach (Fed lacking in sources.Where(source => !source.Fields.ContainsKey(field)))
            {
                Expect(problems, $"{target}: {field} is missing from {lacking.Source}, and the panel description does not say \"{lacking.NotReportedNote}\"",
                    target.PanelDescription.Contains(lacking.NotReportedNote, StringComparison.Ordinal));
            }

            foreach ((IReadOnlyList<VariableSelection> selections, IReadOnlyList<Fed> shown) in scenarios)
            {
                await CheckTargetAsync(target, field, selections, [.. shown.Where(one => one.Fields.ContainsKey(field))], problems);
            }
        }

        return problems;
    }

    private async Task CheckTargetAsync(GrafanaTarget target, string field, IReadOnlyList<VariableSelection> selections, IReadOnlyList<Fed> expected, List<string> problems)
    {
        string query = GrafanaInfluxQl.Interpolate(target.Query, selections, _range);
        string where = $"{target} with {string.Join(", ", selections)} ({query})";
        IReadOnlyList<(string Host, string Container, double[] Values)> series;
        try
        {
            series = await SeriesAsync(query);
        }
        catch (InvalidOperationException failure)
        {
            problems.Add($"{where}: {failure.Message}");
            return;
        }

        string[] shown = [.. series.Where(one => one.Values.Length > 0).Select(one => $"{one.Host}/{one.Container}").Order(StringComparer.Ordinal)];
        string[] wanted = [.. expected.Select(one => $"{one.Host}/{one.ContainerName}").Order(StringComparer.Ordinal)];
        if (!shown.SequenceEqual(wanted))
        {
            problems.Add($"{where}: shows numbers for [{Join(shown)}], expected [{Join(wanted)}]");
            return;
        }

        // Each series is one component's: its values those one source reports, each source matched once (several
        // components read from urls share host and an empty container_name).
        var unmatched = new List<Fed>(expected);
        foreach ((string host, string container, double[] values) in series.Where(one => one.Values.Length > 0))
        {
            Fed[] candidates = [.. unmatched.Where(one => one.Host == host && one.ContainerName == container)];
            Fed? source = candidates.FirstOrDefault(one => values.All(value => Math.Abs(value - one.Fields[field]) <= 1e-9 * Math.Max(1, Math.Abs(one.Fields[field]))));
            Expect(problems, $"{where}: {host}/{container} shows {Join(values.Select(value => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}, its source reports {field}={Join(candidates.Select(one => one.Fields[field].ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}",
                source is not null);
            if (source is not null)
            {
                unmatched.Remove(source);
            }
        }
    }

    /// <summary>The names a variable's query lists (SHOW TAG VALUES answers key/value rows).</summary>
    private async Task<IReadOnlyList<string>> OptionsAsync(string variableQuery, IReadOnlyList<VariableSelection> selections, List<string> problems)
    {
        string query = GrafanaInfluxQl.Interpolate(variableQuery, selections, _range);
        try
        {
            QueriesRun++;
            JsonElement result = await _influx.QueryAsync(query);
            return [.. InfluxDb.Rows(result).Select(row => row[1].GetString()!).Order(StringComparer.Ordinal)];
        }
        catch (InvalidOperationException failure)
        {
            problems.Add($"variable query {query}: {failure.Message}");
            return [];
        }
    }

    /// <summary>Each series of the answer, by its host and container_name tags, with its non-null values.</summary>
    private async Task<IReadOnlyList<(string Host, string Container, double[] Values)>> SeriesAsync(string query)
    {
        QueriesRun++;
        JsonElement result = await _influx.QueryAsync(query);
        if (!result.TryGetProperty("series", out JsonElement series))
        {
            return [];
        }

        return [.. series.EnumerateArray().Select(one =>
        {
            JsonElement tags = one.TryGetProperty("tags", out JsonElement found) ? found : default;
            if (one.GetProperty("columns").GetArrayLength() != 2)
            {
                throw new InvalidOperationException($"expected the columns time and one value, got {one.GetProperty("columns")}");
            }

            double[] values = [.. one.GetProperty("values").EnumerateArray()
                .Select(row => row[1])
                .Where(value => value.ValueKind != JsonValueKind.Null)
                .Select(InfluxDb.Number)];
            return (Tag(tags, "host"), Tag(tags, "container_name"), values);
        })];
    }

    private IEnumerable<VariableSelection> ServerSelections(GrafanaVariable server, IReadOnlyList<string> servers)
    {
        yield return VariableSelection.All(server, servers);
        foreach (string host in Hosts)
        {
            yield return VariableSelection.Of(server, host);
        }

        yield return VariableSelection.Of(server, [.. Hosts]);
    }

    private static bool Covers(VariableSelection picked, string value) => picked.IsAll || picked.Values.Contains(value);

    private static string Tag(JsonElement tags, string key) =>
        tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(key, out JsonElement value) ? value.GetString()! : "";

    private static string Join(IEnumerable<string> names) => string.Join(", ", names);

    private static void Expect(List<string> problems, string problem, bool holds)
    {
        if (!holds)
        {
            problems.Add(problem);
        }
    }

    /// <summary>A component in the database: where its points are (host, container_name) and the fields its source gives.</summary>
    private sealed record Fed(string Name, string Host, string ContainerName, string Source, IReadOnlyDictionary<string, double> Fields, string NotReportedNote)
    {
        public override string ToString() => Name;
    }
}
