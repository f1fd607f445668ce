namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>What one line of an OpenMetrics text answer is.</summary>
internal enum OpenMetricsEntry
{
    Help,
    Type,
    Unit,
    Sample,

    /// <summary>The <c># EOF</c> line, with nothing after it: the answer is complete.</summary>
    End,

    /// <summary>A line Telegraf's parser refuses, which fails the whole answer.</summary>
    Error,
}
