namespace ExecdJvb.LineProtocol;

/// <summary>Where in a line a text goes; each place escapes its own separators.</summary>
internal enum EscapePlace
{
    /// <summary>The measurement: comma and space.</summary>
    Measurement,

    /// <summary>A tag key, tag value or field key: comma, equals sign and space.</summary>
    Key,

    /// <summary>Inside the quotes of a string field: quote and backslash.</summary>
    StringValue,
}
