namespace ExecdJvb.Tests.Integration;

/// <summary>The dashboard's time range and the interval Grafana computed for a panel.</summary>
internal sealed record GrafanaTimeRange(DateTimeOffset From, DateTimeOffset To, TimeSpan Interval);
