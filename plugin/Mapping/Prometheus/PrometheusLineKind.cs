namespace ExecdJvb.Mapping.Prometheus;

/// <summary>What one line of Prometheus text turned out to be.</summary>
internal enum PrometheusLineKind
{
    /// <summary>Nothing to yield: a blank line, a comment, a HELP or TYPE line.</summary>
    Nothing,

    /// <summary>A sample.</summary>
    Sample,

    /// <summary>A line that could not be read; the scanner says why.</summary>
    Malformed,
}
