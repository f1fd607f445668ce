using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>One raw InfluxQL query of a dashboard panel, with the panel it belongs to and the title of the row the panel is under.</summary>
internal sealed partial record GrafanaTarget(string PanelTitle, string PanelDescription, string RefId, string Query, string Row = "")
{
    /// <summary>The fields the query aggregates: every <c>"name"</c> an InfluxQL function is called on.</summary>
    public IReadOnlyList<string> Fields => [.. FunctionArgument().Matches(Query).Select(match => match.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>The measurement the query reads: the first <c>FROM "name"</c>, a subquery's included.</summary>
    public string Measurement => FromMeasurement().Match(Query) is { Success: true } match ? match.Groups[1].Value : "";

    public override string ToString() => $"{PanelTitle} [{RefId}]";

    [GeneratedRegex("""\w+\(\s*"([^"]+)"\s*\)""")]
    private static partial Regex FunctionArgument();

    [GeneratedRegex(@"\bFROM\s+""([^""]+)""")]
    private static partial Regex FromMeasurement();
}
