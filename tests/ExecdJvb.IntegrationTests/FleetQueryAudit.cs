using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs every query of the dashboard's "Bridges as Jicofo sees them" row against a database fed with known Jicofos
/// (<see cref="FedJicofo"/>, each serving the /debug payload <see cref="DockerEngine.JicofoDebugPayload"/>), with the
/// variables set as a user sets them and substituted as Grafana does (<see cref="GrafanaInfluxQl"/>), and lists what a
/// user would see go wrong: a panel empty for a Jicofo picked, showing another Jicofo, or showing numbers other than
/// those the payload gives. The expected numbers are read here from the payload, apart from the plugin's reading:
/// per bridge (tag jvb) its stress, endpoints and states as 1/0; per Jigasi (tag jigasi) its participants; per Jicofo
/// the Jibris counted idle (reports_available), busy (busy_status) and unhealthy (health_status).
/// </summary>
internal sealed class FleetQueryAudit(InfluxDb influx, IReadOnlyList<FedJicofo> jicofos, GrafanaTimeRange range)
{
    public const string Row = "Bridges as Jicofo sees them";

    private static readonly string[] Measurements = ["jicofo_bridge", "jicofo_jibri", "jicofo_jigasi"];

    public int QueriesRun { get; private set; }

    public static bool Reads(GrafanaTarget target) => Measurements.Contains(target.Measurement);

    public static IReadOnlyList<GrafanaTarget> TargetsOf(GrafanaDashboard dashboard) => [.. dashboard.Targets.Where(Reads)];

    /// <summary>What the row should show of one Jicofo, by the target's first field, keyed by the bridge or Jigasi nickname ("" for a count per Jicofo).</summary>
    public static IReadOnlyDictionary<string, double> Expected(GrafanaTarget target)
    {
        using JsonDocument debug = JsonDocument.Parse(TestData.Bytes("jicofo", DockerEngine.JicofoDebugPayload));
        JsonElement root = debug.RootElement;
        string field = target.Fields.Count > 0 ? target.Fields[0] : "";
        switch (target.Measurement)
        {
            case "jicofo_bridge":
                string key = field.Replace('_', '-');
                return root.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject()
                    .Where(bridge => bridge.Value.TryGetProperty(key, out _))
                    .ToDictionary(bridge => bridge.Name[(bridge.Name.IndexOf('/', StringComparison.Ordinal) + 1)..], bridge => Number(bridge.Value.GetProperty(key)), StringComparer.Ordinal);
            case "jicofo_jigasi":
                return Instances(root, "jigasi_detector")
                    .Where(jigasi => jigasi.Value.TryGetProperty(field, out _))
                    .ToDictionary(jigasi => jigasi.Name, jigasi => Number(jigasi.Value.GetProperty(field)), StringComparer.Ordinal);
            case "jicofo_jibri":
                JsonProperty[] jibris = [.. Instances(root, "jibri_detector"), .. Instances(root, "sip_jibri_detector")];
                int count = field switch
                {
                    "idle" => jibris.Count(jibri => jibri.Value.GetProperty("reports_available").GetBoolean()),
                    "busy" => jibris.Count(jibri => jibri.Value.GetProperty("busy_status").GetString() == "busy"),
                    "unhealthy" => jibris.Count(jibri => jibri.Value.GetProperty("health_status").GetString() == "unhealthy"),
                    _ => -1,
                };
                return count < 0 ? new Dictionary<string, double>() : new Dictionary<string, double> { [""] = count };
            default:
                return new Dictionary<string, double>();
        }
    }

    /// <summary>Every query of the row, for "All", and for each Jicofo picked alone (its server, and its container or All for a url one).</summary>
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

        foreach (GrafanaTarget target in TargetsOf(dashboard))
        {
            IReadOnlyDictionary<string, double> perJicofo = Expected(target);
            if (perJicofo.Count == 0)
            {
                problems.Add($"{target}: the payload gives nothing for {string.Join(", ", target.Fields)} of {target.Measurement}");
                continue;
            }

            string nickname = target.Measurement switch { "jicofo_bridge" => "jvb", "jicofo_jigasi" => "jigasi", _ => "" };
            foreach ((IReadOnlyList<VariableSelection> selections, IReadOnlyList<FedJicofo> shown) in scenarios)
            {
                string query = GrafanaInfluxQl.Interpolate(target.Query, selections, range);
                string where = $"{target} with {string.Join(", ", selections)} ({query})";
                Dictionary<string, double[]> series;
                try
                {
                    series = await SeriesAsync(query, nickname);
                }
                catch (InvalidOperationException failure)
                {
                    problems.Add($"{where}: {failure.Message}");
                    continue;
                }

                var wanted = shown.SelectMany(one => perJicofo.Select(pair => (Key: $"{one.Host}/{one.ContainerName}/{pair.Key}", pair.Value)))
                    .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
                string[] shownKeys = [.. series.Where(pair => pair.Value.Length > 0).Select(pair => pair.Key).Order(StringComparer.Ordinal)];
                if (!shownKeys.SequenceEqual(wanted.Keys.Order(StringComparer.Ordinal)))
                {
                    problems.Add($"{where}: shows numbers for [{string.Join(", ", shownKeys)}], expected [{string.Join(", ", wanted.Keys.Order(StringComparer.Ordinal))}]");
                    continue;
                }

                foreach ((string key, double[] values) in series.Where(pair => pair.Value.Length > 0))
                {
                    if (!values.All(value => Math.Abs(value - wanted[key]) <= 1e-9))
                    {
                        problems.Add($"{where}: {key} shows {string.Join(", ", values)}, the payload gives {wanted[key]}");
                    }
                }
            }
        }

        return problems;
    }

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

    /// <summary>Each series of the answer by host/container_name/nickname, with its non-null values; one value column only.</summary>
    private async Task<Dictionary<string, double[]>> SeriesAsync(string query, string nickname)
    {
        QueriesRun++;
        JsonElement result = await influx.QueryAsync(query);
        var series = new Dictionary<string, double[]>(StringComparer.Ordinal);
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
            string key = $"{Tag(tags, "host")}/{Tag(tags, "container_name")}/{(nickname.Length > 0 ? Tag(tags, nickname) : "")}";
            series.Add(key, [.. one.GetProperty("values").EnumerateArray().Select(row => row[1]).Where(value => value.ValueKind != JsonValueKind.Null).Select(InfluxDb.Number)]);
        }

        return series;
    }

    private static string Tag(JsonElement tags, string key) =>
        tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(key, out JsonElement value) ? value.GetString()! : "";
}
