using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs every query of the dashboard's "Bridges as Jicofo sees them" row against a database fed with known Jicofos
/// (<see cref="FedJicofo"/>, each serving its /debug payload), with the variables set as a user sets them and
/// substituted as Grafana does (<see cref="GrafanaInfluxQl"/>), and lists what a user would see go wrong: a panel
/// empty for a Jicofo picked, showing a bridge, Jibri or Jigasi twice, or showing numbers other than those the
/// payloads of the Jicofos picked give. A bridge, Jibri or Jigasi joins the brewery of every shard it serves, so
/// several Jicofos may report it; the row shows each once. The expected numbers are read here from the payloads,
/// apart from the plugin's reading, and combined over the Jicofos picked as their source says they combine:
/// endpoints are those each Jicofo placed on the bridge ("endpoints currently allocated on this bridge by this jicofo
/// instance", jicofo Bridge.kt), so they add up; stress comes from the bridge's own presence (the highest);
/// operational is each Jicofo's own view (its health checks of the bridge), so the lowest counts, the bridge being
/// unusable to the shard that holds it so; graceful shutdown and failing ICE are 1 for the worse state, so the highest
/// counts; a Jigasi's participants come from its presence (the highest); the Jibris idle, busy and unhealthy are
/// counted over distinct Jibris (nickname and kind), each with the highest of its flags; the bridges listed and
/// operational are counted over distinct bridges, a bridge operational when every Jicofo listing it holds it so.
/// </summary>
internal sealed class FleetQueryAudit(InfluxDb influx, IReadOnlyList<FedJicofo> jicofos, GrafanaTimeRange range)
{
    public const string Row = "Bridges as Jicofo sees them";

    private static readonly string[] Measurements = ["jicofo_bridge", "jicofo_jibri", "jicofo_jigasi"];

    public int QueriesRun { get; private set; }

    public static bool Reads(GrafanaTarget target) => Measurements.Contains(target.Measurement);

    public static IReadOnlyList<GrafanaTarget> TargetsOf(GrafanaDashboard dashboard) => [.. dashboard.Targets.Where(Reads)];

    /// <summary>
    /// Whether the target counts the fleet's bridges (one series: those listed, its field "listed", or those operational)
    /// rather than showing one series per bridge.
    /// </summary>
    public static bool CountsBridges(GrafanaTarget target) =>
        target.Measurement == "jicofo_bridge" && target.Query.EndsWith("GROUP BY time($__interval) fill(null)", StringComparison.Ordinal);

    /// <summary>What the row should show for the Jicofos picked, keyed by the bridge or Jigasi nickname ("" for a count over the fleet).</summary>
    public static IReadOnlyDictionary<string, double> Expected(GrafanaTarget target, IReadOnlyList<FedJicofo> picked)
    {
        string field = target.Fields.Count > 0 ? target.Fields[0] : "";
        JsonElement[] roots = [.. picked.Select(one => Load(one.DebugPayload))];
        switch (target.Measurement)
        {
            case "jicofo_bridge" when CountsBridges(target):
                Dictionary<string, double> operational = Combine(roots.SelectMany(root => Bridges(root, "operational")), Enumerable.Min);
                return operational.Count == 0 ? new Dictionary<string, double>()
                    : new Dictionary<string, double> { [""] = field == "listed" ? operational.Count : operational.Values.Count(value => value >= 1) };
            case "jicofo_bridge":
                return Combine(roots.SelectMany(root => Bridges(root, field)), field switch { "endpoints" => Enumerable.Sum, "operational" => Enumerable.Min, _ => Enumerable.Max });
            case "jicofo_jigasi":
                return Combine(roots.SelectMany(root => Instances(root, "jigasi_detector")
                    .Where(jigasi => jigasi.Value.TryGetProperty(field, out _))
                    .Select(jigasi => (jigasi.Name, Number(jigasi.Value.GetProperty(field))))), Enumerable.Max);
            case "jicofo_jibri":
                Func<JsonElement, bool>? counts = field switch
                {
                    "idle" => jibri => jibri.GetProperty("reports_available").GetBoolean(),
                    "busy" => jibri => jibri.GetProperty("busy_status").GetString() == "busy",
                    "unhealthy" => jibri => jibri.GetProperty("health_status").GetString() == "unhealthy",
                    _ => null,
                };
                if (counts is null)
                {
                    return new Dictionary<string, double>();
                }

                Dictionary<string, double> byJibri = Combine(roots.SelectMany(root =>
                    Instances(root, "jibri_detector").Select(jibri => ("recording/" + jibri.Name, counts(jibri.Value) ? 1.0 : 0.0))
                        .Concat(Instances(root, "sip_jibri_detector").Select(jibri => ("sip/" + jibri.Name, counts(jibri.Value) ? 1.0 : 0.0)))), Enumerable.Max);
                return byJibri.Count == 0 ? new Dictionary<string, double>() : new Dictionary<string, double> { [""] = byJibri.Values.Sum() };
            default:
                return new Dictionary<string, double>();
        }
    }

    /// <summary>Every query of the row, for "All", for each Jicofo picked alone (its server, and its container or All for a url one), and for each server alone.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(GrafanaDashboard dashboard)
    {
        var problems = new List<string>();
        GrafanaVariable server = dashboard.Variable("server");
        GrafanaVariable jicofo = dashboard.Variable("jicofo");
        VariableSelection allServers = VariableSelection.All(server, await OptionsAsync(server.Query, []));
        var scenarios = new List<(IReadOnlyList<VariableSelection> Selections, IReadOnlyList<FedJicofo> Shown)>
        {
            ([allServers, VariableSelection.All(jicofo, await OptionsAsync(jicofo.Query, [allServers]))], jicofos),
        };
        foreach (FedJicofo one in jicofos)
        {
            VariableSelection host = VariableSelection.Of(server, one.Host);
            VariableSelection container = one.ContainerName.Length > 0
                ? VariableSelection.Of(jicofo, one.ContainerName)
                : VariableSelection.All(jicofo, await OptionsAsync(jicofo.Query, [host]));
            scenarios.Add(([host, container], [one]));
        }

        foreach (string host in jicofos.Select(one => one.Host).Distinct(StringComparer.Ordinal).Where(host => jicofos.Count(one => one.Host == host) > 1))
        {
            VariableSelection picked = VariableSelection.Of(server, host);
            scenarios.Add(([picked, VariableSelection.All(jicofo, await OptionsAsync(jicofo.Query, [picked]))], [.. jicofos.Where(one => one.Host == host)]));
        }

        foreach (GrafanaTarget target in TargetsOf(dashboard))
        {
            if (Expected(target, jicofos).Count == 0)
            {
                problems.Add($"{target}: the payloads give nothing for {string.Join(", ", target.Fields)} of {target.Measurement}");
                continue;
            }

            string nickname = target.Measurement switch { "jicofo_bridge" when !CountsBridges(target) => "jvb", "jicofo_jigasi" => "jigasi", _ => "" };
            foreach ((IReadOnlyList<VariableSelection> selections, IReadOnlyList<FedJicofo> shown) in scenarios)
            {
                string query = GrafanaInfluxQl.Interpolate(target.Query, selections, range);
                string where = $"{target} with {string.Join(", ", selections)} ({query})";
                List<(string Key, double[] Values)> series;
                try
                {
                    series = await SeriesAsync(query, nickname);
                }
                catch (InvalidOperationException failure)
                {
                    problems.Add($"{where}: {failure.Message}");
                    continue;
                }

                IReadOnlyDictionary<string, double> wanted = Expected(target, shown);
                string[] shownKeys = [.. series.Where(one => one.Values.Length > 0).Select(one => one.Key).Order(StringComparer.Ordinal)];
                if (!shownKeys.SequenceEqual(wanted.Keys.Order(StringComparer.Ordinal)))
                {
                    problems.Add($"{where}: shows numbers for [{string.Join(", ", shownKeys)}], expected [{string.Join(", ", wanted.Keys.Order(StringComparer.Ordinal))}]");
                    continue;
                }

                foreach ((string key, double[] values) in series.Where(one => one.Values.Length > 0))
                {
                    if (!values.All(value => Math.Abs(value - wanted[key]) <= 1e-9))
                    {
                        problems.Add($"{where}: {(key.Length > 0 ? key : "the fleet")} shows {string.Join(", ", values)}, the payloads give {wanted[key]}");
                    }
                }
            }
        }

        return problems;
    }

    private static JsonElement Load(string payload)
    {
        using JsonDocument debug = JsonDocument.Parse(TestData.Bytes("jicofo", payload));
        return debug.RootElement.Clone();
    }

    /// <summary>Each bridge of a payload that reports the field (dashes in /debug), by its nickname (the JID's resource).</summary>
    private static IEnumerable<(string Name, double Value)> Bridges(JsonElement root, string field) =>
        root.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject()
            .Where(bridge => bridge.Value.TryGetProperty(field.Replace('_', '-'), out _))
            .Select(bridge => (bridge.Name[(bridge.Name.IndexOf('/', StringComparison.Ordinal) + 1)..], Number(bridge.Value.GetProperty(field.Replace('_', '-')))));

    private static Dictionary<string, double> Combine(IEnumerable<(string Name, double Value)> reports, Func<IEnumerable<double>, double> combine) =>
        reports.GroupBy(report => report.Name, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => combine(group.Select(report => report.Value)), StringComparer.Ordinal);

    private static IEnumerable<JsonProperty> Instances(JsonElement root, string detector) =>
        root.GetProperty(detector).ValueKind == JsonValueKind.Null ? []
            : root.GetProperty(detector).EnumerateObject().Where(member => member.Value.ValueKind == JsonValueKind.Object);

    private static double Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => value.GetDouble(),
    };

    private async Task<IReadOnlyList<string>> OptionsAsync(string variableQuery, IReadOnlyList<VariableSelection> selections)
    {
        QueriesRun++;
        JsonElement result = await influx.QueryAsync(GrafanaInfluxQl.Interpolate(variableQuery, selections, range));
        return [.. InfluxDb.Rows(result).Select(row => row[1].GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>Each series of the answer by its nickname tag ("" when none), with its non-null values; one value column only.</summary>
    private async Task<List<(string Key, double[] Values)>> SeriesAsync(string query, string nickname)
    {
        QueriesRun++;
        JsonElement result = await influx.QueryAsync(query);
        var series = new List<(string Key, double[] Values)>();
        if (!result.TryGetProperty("series", out JsonElement all))
        {
            return series;
        }

        foreach (JsonElement one in all.EnumerateArray())
        {
            if (one.GetProperty("columns").GetArrayLength() != 2)
            {
                throw new InvalidOperationException($"expected the columns time and one value, got {one.GetProperty("columns")}");
            }

            JsonElement tags = one.TryGetProperty("tags", out JsonElement found) ? found : default;
            series.Add((nickname.Length > 0 ? Tag(tags, nickname) : "", [.. one.GetProperty("values").EnumerateArray().Select(row => row[1]).Where(value => value.ValueKind != JsonValueKind.Null).Select(InfluxDb.Number)]));
        }

        return series;
    }

    private static string Tag(JsonElement tags, string key) =>
        tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(key, out JsonElement value) ? value.GetString()! : "";
}
