namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>A bucket, quantile or state of a point, in the order its samples came.</summary>
internal struct OpenMetricsPointEntry
{
    public double Bound;
    public double Value;
    public int NameStart;
    public int NameLength;
    public int Next;
}
