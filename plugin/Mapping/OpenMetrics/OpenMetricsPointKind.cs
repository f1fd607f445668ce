namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>Which part of a point Telegraf's parser set last; the v1 conversion reads only the part its family's type names.</summary>
internal enum OpenMetricsPointKind
{
    None,
    Unknown,
    Gauge,
    Counter,
    StateSet,
    Info,
    Histogram,
    Summary,
}
