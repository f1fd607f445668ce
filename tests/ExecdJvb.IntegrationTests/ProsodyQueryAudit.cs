using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs the dashboard's Prosody queries (the targets reading a prosody_* measurement) against a database holding the
/// Prosody capture as the plugin writes it, for the Prosodys given (each a server's host and a container), with the
/// <c>server</c> variable set as a user would set it (All, and each server alone) and substituted as Grafana does, at
/// the 10 s interval and at 1 m (several gathers in one bucket), and lists what a user would see go wrong. Each panel
/// must show, per server, container and XMPP domain (Prosody's host label, the tag xmpp_host), the sum of the capture's
/// samples of its family for that domain: a gauge's value, or a sum over its other labels (ip_family).
/// </summary>
internal sealed partial class ProsodyQueryAudit(InfluxDb influx, IReadOnlyList<(string Host, string Container)> prosodys, DateTimeOffset now)
{
    public int QueriesRun { get; private set; }

    public static IReadOnlyList<GrafanaTarget> TargetsOf(GrafanaDashboard dashboard) =>
        [.. dashboard.Targets.Where(target => target.Measurement.StartsWith("prosody_", StringComparison.Ordinal))];

    public async Task<IReadOnlyList<string>> CheckAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        GrafanaTimeRange range = new(now.AddHours(-6), now, TimeSpan.FromSeconds(10));
        IReadOnlyList<string> options = [.. InfluxDb.Rows(await QueryAsync(GrafanaInfluxQl.Interpolate(server.Query, [], range))).Select(row => row[1].GetString()!)];
        string[] hosts = [.. prosodys.Select(prosody => prosody.Host).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (!hosts.All(options.Contains))
        {
            problems.Add($"server lists {string.Join(", ", options)}, not every Prosody's server ({string.Join(", ", hosts)})");
        }

        var selections = new List<(VariableSelection Picked, IReadOnlyList<(string Host, string Container)> Shown)> { (VariableSelection.All(server, options), prosodys) };
        selections.AddRange(hosts.Select(host => (VariableSelection.Of(server, host), (IReadOnlyList<(string, string)>)[.. prosodys.Where(prosody => prosody.Host == host)])));
        foreach (GrafanaTarget target in TargetsOf(dashboard))
        {
            IReadOnlyDictionary<string, double> sums = CaptureSumsByHost(target.Measurement);
            if (sums.Count == 0)
            {
                problems.Add($"{target}: the Prosody capture has no samples of {target.Measurement}");
                continue;
            }

            foreach (TimeSpan interval in new[] { TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1) })
            {
                foreach ((VariableSelection picked, IReadOnlyList<(string Host, string Container)> shown) in selections)
                {
                    string query = GrafanaInfluxQl.Interpolate(target.Query, [picked], range with { Interval = interval });
                    string where = $"{target} with {picked} every {GrafanaInfluxQl.FormatInterval(interval)} ({query})";
                    JsonElement result;
                    try
                    {
                        result = await QueryAsync(query);
                    }
                    catch (InvalidOperationException failure)
                    {
                        problems.Add($"{where}: {failure.Message}");
                        continue;
                    }

                    var expected = shown.SelectMany(prosody => sums.Select(sum => (Key: $"{prosody.Host}/{prosody.Container}/{sum.Key}", sum.Value)))
                        .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
                    Check(where, result, expected, problems);
                }
            }
        }

        return problems;
    }

    private static void Check(string where, JsonElement result, IReadOnlyDictionary<string, double> expected, List<string> problems)
    {
        var shown = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (JsonElement series in result.TryGetProperty("series", out JsonElement found) ? found.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            JsonElement tags = series.TryGetProperty("tags", out JsonElement t) ? t : default;
            string key = $"{Tag(tags, "host")}/{Tag(tags, "container_name")}/{Tag(tags, "xmpp_host")}";
            double[] values = [.. series.GetProperty("values").EnumerateArray().Select(row => row[1]).Where(value => value.ValueKind != JsonValueKind.Null).Select(InfluxDb.Number)];
            if (values.Length > 0 && !shown.TryAdd(key, values))
            {
                problems.Add($"{where}: shows {key} twice");
                return;
            }
        }

        string[] wanted = [.. expected.Keys.Order(StringComparer.Ordinal)];
        if (!shown.Keys.Order(StringComparer.Ordinal).SequenceEqual(wanted))
        {
            problems.Add($"{where}: shows numbers for [{string.Join(", ", shown.Keys.Order(StringComparer.Ordinal))}], expected [{string.Join(", ", wanted)}]");
            return;
        }

        foreach ((string key, double sum) in expected)
        {
            double[] values = shown[key];
            if (!values.All(value => Math.Abs(value - sum) <= 1e-9 * Math.Max(1, Math.Abs(sum))))
            {
                problems.Add($"{where}: {key} shows {string.Join(", ", values.Select(value => value.ToString("R", CultureInfo.InvariantCulture)))}, the capture's samples sum to {sum.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>The capture's samples of a family (the lines named exactly so), summed by their host label; read apart from the plugin.</summary>
    private static IReadOnlyDictionary<string, double> CaptureSumsByHost(string family) =>
        File.ReadLines(TestData.PathOf("prosody", "metrics-0.12.3-openmetrics.txt"))
            .Select(line => Sample().Match(line))
            .Where(match => match.Success && match.Groups["name"].Value == family)
            .GroupBy(match => HostLabel().Match(match.Groups["labels"].Value) is { Success: true } host ? host.Groups[1].Value : "", StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(match => double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)), StringComparer.Ordinal);

    private async Task<JsonElement> QueryAsync(string query)
    {
        QueriesRun++;
        return await influx.QueryAsync(query);
    }

    private static string Tag(JsonElement tags, string key) =>
        tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(key, out JsonElement value) ? value.GetString()! : "";

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)$")]
    private static partial Regex Sample();

    [GeneratedRegex("(?:^|,)host=\"([^\"]*)\"")]
    private static partial Regex HostLabel();
}
