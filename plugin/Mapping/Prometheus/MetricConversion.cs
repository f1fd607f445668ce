namespace ExecdJvb.Mapping.Prometheus;

/// <summary>How the JVB's colibri shim turns the value of one metric into the value of its colibri key.</summary>
internal enum MetricConversion
{
    /// <summary>The metric's value as it is.</summary>
    Same,

    /// <summary>
    /// Bits per second to kilobits per second the way the shim computes it: <c>incomingBitrate.get() / 1000</c>
    /// divides a Kotlin <c>Long</c>, so the remainder is dropped (1999 bps is 1 kbps).
    /// </summary>
    KilobitsTruncated,

    /// <summary>
    /// A gauge holding 0 or 1 that colibri sends as JSON <c>false</c>/<c>true</c>. Telegraf's json parser writes no
    /// field for a boolean unless <c>json_string_fields</c> names it, and then a boolean field; so does the mapper.
    /// </summary>
    Boolean,
}
