using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>A Grafana alert query run as Grafana runs it, against the tests' InfluxDB.</summary>
internal static class AlertQuery
{
    /// <summary>The alert queries of plugin/grafana/README.md's Alerts section, in its order, each trimmed.</summary>
    public static IReadOnlyList<string> Rules()
    {
        IReadOnlyList<string> queries = MarkdownFile.Blocks(MarkdownFile.At("plugin", "grafana", "README.md").Section("Alerts"), "sql");
        Assert.Equal(4, queries.Count);
        return [.. queries.Select(query => query.Trim())];
    }

    /// <summary>
    /// The query's one value per series over the range, as Grafana's alert query gets it, keyed by the series' tag values
    /// joined with "/" in the order of the last GROUP BY, the outer query's (an absent tag is empty).
    /// </summary>
    public static async Task<Dictionary<string, double>> ValueBySeriesAsync(InfluxDb influx, string query, DateTimeOffset from, DateTimeOffset to)
    {
        string sql = GrafanaInfluxQl.ReplaceMacros(query, new GrafanaTimeRange(from, to, TimeSpan.FromSeconds(10)));
        string[] groupBy = [.. query[(query.LastIndexOf("GROUP BY", StringComparison.Ordinal) + 8)..].Split(',').Select(tag => tag.Trim().Trim('"'))];
        JsonElement result = await influx.QueryAsync(sql);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!result.TryGetProperty("series", out JsonElement series))
        {
            return values;
        }

        foreach (JsonElement one in series.EnumerateArray())
        {
            JsonElement tags = one.GetProperty("tags");
            Assert.Equal(1, one.GetProperty("values").GetArrayLength());
            string key = string.Join('/', groupBy.Select(tag => tags.TryGetProperty(tag, out JsonElement value) ? value.GetString() : string.Empty));
            values.Add(key, InfluxDb.Number(one.GetProperty("values")[0][1]));
        }

        return values;
    }
}
