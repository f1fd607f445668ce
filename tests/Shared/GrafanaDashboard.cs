using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The queries of a Grafana dashboard JSON (as exported for sharing): its query variables and every raw
/// InfluxQL target of its panels, rows included. <see cref="Json"/> is the whole document.
/// </summary>
internal sealed record GrafanaDashboard(JsonElement Json, IReadOnlyList<GrafanaVariable> Variables, IReadOnlyList<GrafanaTarget> Targets)
{
    public static GrafanaDashboard Load(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = document.RootElement.Clone();
        GrafanaVariable[] variables = [.. root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(variable => variable.GetProperty("type").GetString() == "query")
            .Select(ReadVariable)];
        GrafanaTarget[] targets = [.. PanelsByRow(root).SelectMany(pair => ReadTargets(pair.Panel, pair.Row))];
        return new GrafanaDashboard(root, variables, targets);
    }

    public GrafanaVariable Variable(string name) =>
        Variables.SingleOrDefault(variable => variable.Name == name) ?? throw new InvalidOperationException($"the dashboard has no variable {name}");

    /// <summary>Every panel, those nested in collapsed rows too, rows themselves excluded.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (JsonElement panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() != "row")
            {
                yield return panel;
            }
            else if (panel.TryGetProperty("panels", out JsonElement nested))
            {
                foreach (JsonElement inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Every panel with the title of the row it is under (a row's own panels when collapsed, else those after it).</summary>
    private static IEnumerable<(JsonElement Panel, string Row)> PanelsByRow(JsonElement dashboard)
    {
        string row = "";
        foreach (JsonElement panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() != "row")
            {
                yield return (panel, row);
                continue;
            }

            row = panel.GetProperty("title").GetString()!;
            if (panel.TryGetProperty("panels", out JsonElement nested))
            {
                foreach (JsonElement inner in nested.EnumerateArray())
                {
                    yield return (inner, row);
                }
            }
        }
    }

    private static GrafanaVariable ReadVariable(JsonElement variable)
    {
        JsonElement query = variable.GetProperty("query");
        return new GrafanaVariable(
            variable.GetProperty("name").GetString()!,
            // Grafana 10 and later store the InfluxQL of a variable as {"query": "..."}; older ones as a string.
            (query.ValueKind == JsonValueKind.Object ? query.GetProperty("query") : query).GetString()!,
            Flag(variable, "multi"),
            Flag(variable, "includeAll"),
            variable.TryGetProperty("allValue", out JsonElement allValue) && allValue.ValueKind == JsonValueKind.String ? allValue.GetString()! : "");
    }

    private static IEnumerable<GrafanaTarget> ReadTargets(JsonElement panel, string row)
    {
        if (!panel.TryGetProperty("targets", out JsonElement targets))
        {
            yield break;
        }

        string title = panel.GetProperty("title").GetString()!;
        string description = panel.TryGetProperty("description", out JsonElement text) ? text.GetString()! : "";
        foreach (JsonElement target in targets.EnumerateArray().Where(target => !Flag(target, "hide")))
        {
            string refId = target.GetProperty("refId").GetString()!;
            if (!Flag(target, "rawQuery"))
            {
                throw new NotSupportedException($"{title} [{refId}] is a query-builder target; only raw InfluxQL is modelled here");
            }

            yield return new GrafanaTarget(title, description, refId, target.GetProperty("query").GetString()!, row);
        }
    }

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement flag) && flag.ValueKind == JsonValueKind.True;
}
