using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs every query of a dashboard against a jitsi_stats database fed with known JVBs, with the variables set
/// as a user would set them and substituted as Grafana does (<see cref="GrafanaInfluxQl"/>), and lists what a
/// user would see go wrong: a variable listing the wrong names, a panel empty for a JVB that reports its field,
/// a panel showing numbers other than the JVB's, or a panel for a field one era lacks that does not say so.
/// Each panel query must select one field and group by "host" and "container_name" (one series per JVB).
/// </summary>
internal sealed class DashboardQueryAudit(InfluxDb influx, IReadOnlyList<FedJvb> fed, GrafanaTimeRange range)
{
    public int QueriesRun { get; private set; }

    private IReadOnlyList<string> Hosts => [.. fed.Select(jvb => jvb.Host).Distinct().Order(StringComparer.Ordinal)];

    private IReadOnlyList<string> Containers => [.. fed.Select(jvb => jvb.ContainerName).Where(name => name.Length > 0).Distinct().Order(StringComparer.Ordinal)];

    /// <summary><c>server</c> lists every host; <c>jvb</c> lists the containers of the servers picked.</summary>
    public async Task<IReadOnlyList<string>> CheckVariablesAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        GrafanaVariable jvb = dashboard.Variable("jvb");
        IReadOnlyList<string> servers = await OptionsAsync(server.Query, [], problems);
        Expect(problems, $"server lists {Join(servers)} instead of {Join(Hosts)}", servers.SequenceEqual(Hosts));

        foreach (VariableSelection picked in ServerSelections(server, servers))
        {
            IReadOnlyList<string> expected = [.. fed.Where(jvb => Covers(picked, jvb.Host)).Select(jvb => jvb.ContainerName)
                .Where(name => name.Length > 0).Distinct().Order(StringComparer.Ordinal)];
            IReadOnlyList<string> listed = await OptionsAsync(jvb.Query, [picked], problems);
            Expect(problems, $"jvb with {picked} lists {Join(listed)} instead of {Join(expected)}", listed.SequenceEqual(expected));
        }

        return problems;
    }

    /// <summary>Every panel query, for "All", for each JVB picked alone and for every name ticked.</summary>
    public async Task<IReadOnlyList<string>> CheckTargetsAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        GrafanaVariable jvb = dashboard.Variable("jvb");
        IReadOnlyList<string> servers = await OptionsAsync(server.Query, [], problems);
        VariableSelection allServers = VariableSelection.All(server, servers);
        var scenarios = new List<(IReadOnlyList<VariableSelection> Selections, IReadOnlyList<FedJvb> Shown)>
        {
            ([allServers, VariableSelection.All(jvb, await OptionsAsync(jvb.Query, [allServers], problems))], fed),
            ([VariableSelection.Of(server, [.. Hosts]), VariableSelection.Of(jvb, [.. Containers])], [.. fed.Where(one => one.ContainerName.Length > 0)]),
        };
        foreach (FedJvb one in fed)
        {
            VariableSelection host = VariableSelection.Of(server, one.Host);
            VariableSelection container = one.ContainerName.Length > 0
                ? VariableSelection.Of(jvb, one.ContainerName)
                : VariableSelection.All(jvb, await OptionsAsync(jvb.Query, [host], problems));
            scenarios.Add(([host, container], [one]));
        }

        foreach (GrafanaTarget target in dashboard.Targets)
        {
            if (target.Fields is not [string field])
            {
                problems.Add($"{target} selects {target.Fields.Count} fields ({Join(target.Fields)}); each query must select one");
                continue;
            }

            ColibriEra[] eras = [.. fed.Select(one => one.Era).Distinct()];
            Expect(problems, $"{target}: no JVB era reports {field}", eras.Any(era => era.Fields.ContainsKey(field)));
            foreach (ColibriEra lacking in eras.Where(era => !era.Fields.ContainsKey(field)))
            {
                Expect(problems, $"{target}: {field} is missing from {lacking.Fixture}, and the panel description does not say \"{lacking.NotReportedNote}\"",
                    target.PanelDescription.Contains(lacking.NotReportedNote, StringComparison.Ordinal));
            }

            foreach ((IReadOnlyList<VariableSelection> selections, IReadOnlyList<FedJvb> shown) in scenarios)
            {
                await CheckTargetAsync(target, field, selections, [.. shown.Where(one => one.Era.Fields.ContainsKey(field))], problems);
            }
        }

        return problems;
    }

    private async Task CheckTargetAsync(GrafanaTarget target, string field, IReadOnlyList<VariableSelection> selections, IReadOnlyList<FedJvb> expected, List<string> problems)
    {
        string query = GrafanaInfluxQl.Interpolate(target.Query, selections, range);
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

        foreach ((string host, string container, double[] values) in series.Where(one => one.Values.Length > 0))
        {
            double reported = expected.Single(one => one.Host == host && one.ContainerName == container).Era.Fields[field];
            Expect(problems, $"{where}: {host}/{container} shows {Join(values.Select(value => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}, the JVB reports {field}={reported:R}",
                values.All(value => Math.Abs(value - reported) <= 1e-9 * Math.Max(1, Math.Abs(reported))));
        }
    }

    /// <summary>The names a variable's query lists (SHOW TAG VALUES answers key/value rows).</summary>
    private async Task<IReadOnlyList<string>> OptionsAsync(string variableQuery, IReadOnlyList<VariableSelection> selections, List<string> problems)
    {
        string query = GrafanaInfluxQl.Interpolate(variableQuery, selections, range);
        try
        {
            QueriesRun++;
            JsonElement result = await influx.QueryAsync(query);
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
        JsonElement result = await influx.QueryAsync(query);
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
}
