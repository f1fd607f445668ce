namespace ExecdJvb;

/// <summary>What became of one component in one gather, as the plugin's own measurement counts it.</summary>
internal enum TargetOutcome
{
    /// <summary>Its stats were written.</summary>
    Answered,

    /// <summary>No connection or no answer in time: refused, unreachable, timed out, closed, a name or TLS failure.</summary>
    NoConnection,

    /// <summary>An HTTP answer whose status is not a success.</summary>
    HttpStatus,

    /// <summary>An answer that could not be read: not HTTP, too large, not the format its endpoint serves, nothing to write.</summary>
    Unreadable,
}
