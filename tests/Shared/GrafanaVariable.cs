namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A query variable of a Grafana dashboard, with what decides how Grafana writes its value into a query:
/// <see cref="Multi"/>, <see cref="IncludeAll"/> and the custom <see cref="AllValue"/> (empty when none).
/// </summary>
internal sealed record GrafanaVariable(string Name, string Query, bool Multi, bool IncludeAll, string AllValue);
