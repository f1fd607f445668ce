namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>
/// A point of a family as Telegraf's parser builds it: its series (a label set in the mapper's arena), its timestamp,
/// and the value its samples set, of which the v1 conversion reads the part its family's type names.
/// </summary>
internal struct OpenMetricsPoint
{
    /// <summary>Where the series' label set is in the arena of <see cref="OpenMetricsSeriesLabels"/>, and its length.</summary>
    public int Series;
    public int SeriesLength;

    /// <summary>Which series of the family, counted as Telegraf starts them: each time the label set changes from one sample to the next.</summary>
    public int SeriesNumber;

    public bool HasTimestamp;
    public long TimestampMilliseconds;
    public OpenMetricsPointKind Kind;

    /// <summary>The gauge, unknown or counter total value.</summary>
    public double Value;
    public bool HasTotal;
    public double Count;
    public bool HasSum;
    public double Sum;
    public bool HasCreated;
    public long CreatedNanoseconds;

    /// <summary>The first and last of its buckets, quantiles or states, a list through <see cref="OpenMetricsPointEntry.Next"/>.</summary>
    public int FirstEntry;
    public int LastEntry;
}
