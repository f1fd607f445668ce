using System.Globalization;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs the dashboard's queries of the plugin's own measurement (the targets reading execd_jvb) against a database
/// holding the points plugins wrote with <c>self_measurement = "execd_jvb"</c>, with the <c>server</c> variable set as
/// a user would set it and substituted as Grafana does, and lists what a user would see go wrong. Each query must
/// select one field and show one series per plugin (host and source tags) whose every value is what that plugin wrote.
/// </summary>
internal sealed class SelfMeasurementQueryAudit(InfluxDb influx, IReadOnlyList<HealthFeed.SelfPoint> fed, GrafanaTimeRange range)
{
    public int QueriesRun { get; private set; }

    public static IReadOnlyList<GrafanaTarget> TargetsOf(GrafanaDashboard dashboard) => [.. dashboard.Targets.Where(target => target.Measurement == "execd_jvb")];

    public async Task<IReadOnlyList<string>> CheckAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        JsonElement listed = await QueryAsync(GrafanaInfluxQl.Interpolate(server.Query, [], range));
        IReadOnlyList<string> servers = [.. InfluxDb.Rows(listed).Select(row => row[1].GetString()!)];
        string[] hosts = [.. fed.Select(one => one.Host).Distinct().Order(StringComparer.Ordinal)];
        var selections = new List<VariableSelection> { VariableSelection.All(server, servers), VariableSelection.Of(server, hosts) };
        selections.AddRange(hosts.Select(host => VariableSelection.Of(server, host)));

        foreach (GrafanaTarget target in TargetsOf(dashboard))
        {
            if (target.Fields is not [string field])
            {
                problems.Add($"{target} selects {target.Fields.Count} fields; each query must select one");
                continue;
            }

            if (!fed.Any(one => one.Fields.ContainsKey(field)))
            {
                problems.Add($"{target}: the plugin writes no {field} in execd_jvb");
                continue;
            }

            foreach (VariableSelection picked in selections)
            {
                string query = GrafanaInfluxQl.Interpolate(target.Query, [picked], range);
                string where = $"{target} with {picked} ({query})";
                Dictionary<string, double[]> shown;
                try
                {
                    shown = Series(await QueryAsync(query));
                }
                catch (InvalidOperationException failure)
                {
                    problems.Add($"{where}: {failure.Message}");
                    continue;
                }

                HealthFeed.SelfPoint[] expected = [.. fed.Where(one => picked.IsAll || picked.Values.Contains(one.Host))];
                string[] wanted = [.. expected.Select(one => $"{one.Host}/{one.Source}").Order(StringComparer.Ordinal)];
                if (!shown.Keys.Order(StringComparer.Ordinal).SequenceEqual(wanted))
                {
                    problems.Add($"{where}: shows numbers for [{string.Join(", ", shown.Keys.Order(StringComparer.Ordinal))}], expected [{string.Join(", ", wanted)}]");
                    continue;
                }

                foreach (HealthFeed.SelfPoint one in expected)
                {
                    double written = one.Fields[field];
                    double[] values = shown[$"{one.Host}/{one.Source}"];
                    if (!values.All(value => value == written))
                    {
                        problems.Add($"{where}: {one.Host}/{one.Source} shows {string.Join(", ", values.Select(value => value.ToString("R", CultureInfo.InvariantCulture)))}, the plugin wrote {field}={written.ToString("R", CultureInfo.InvariantCulture)}");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>Each series with numbers, keyed host/source, with its non-null values.</summary>
    private static Dictionary<string, double[]> Series(JsonElement result)
    {
        var shown = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (JsonElement series in result.TryGetProperty("series", out JsonElement found) ? found.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            if (series.GetProperty("columns").GetArrayLength() != 2)
            {
                throw new InvalidOperationException($"expected the columns time and one value, got {series.GetProperty("columns")}");
            }

            JsonElement tags = series.TryGetProperty("tags", out JsonElement t) ? t : default;
            double[] values = [.. series.GetProperty("values").EnumerateArray().Select(row => row[1]).Where(value => value.ValueKind != JsonValueKind.Null).Select(InfluxDb.Number)];
            if (values.Length > 0)
            {
                shown.Add($"{Tag(tags, "host")}/{Tag(tags, "source")}", values);
            }
        }

        return shown;
    }

    private async Task<JsonElement> QueryAsync(string query)
    {
        QueriesRun++;
        return await influx.QueryAsync(query);
    }

    private static string Tag(JsonElement tags, string key) =>
        tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(key, out JsonElement value) ? value.GetString()! : "";
}
