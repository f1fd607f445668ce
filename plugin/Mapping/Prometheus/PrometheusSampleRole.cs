namespace ExecdJvb.Mapping.Prometheus;

/// <summary>
/// What one sample line contributes to its family, resolved the way the Prometheus Go text parser
/// (expfmt.TextParser, which Telegraf uses) resolves it.
/// </summary>
internal enum PrometheusSampleRole
{
    /// <summary>The value of a counter, gauge or untyped family: one sample, one series.</summary>
    Value,

    /// <summary>A histogram bucket (<c>x_bucket</c>, or <c>x</c> itself with an <c>le</c> label); <c>Bound</c> is its <c>le</c>.</summary>
    Bucket,

    /// <summary>A summary quantile (<c>x</c> with a <c>quantile</c> label); <c>Bound</c> is the quantile.</summary>
    Quantile,

    /// <summary>The <c>x_sum</c> of a histogram or summary.</summary>
    Sum,

    /// <summary>The <c>x_count</c> of a histogram or summary.</summary>
    Count,

    /// <summary>
    /// A histogram or summary sample that is none of the above (no <c>le</c>/<c>quantile</c>, or one that is
    /// <c>NaN</c>): the Go parser still opens the series for its labels but drops the value.
    /// </summary>
    MissingBound,
}
