namespace ExecdJvb.Tests;

/// <summary>
/// A field of a decoded point, unescaped. <see cref="Value"/> carries the line-protocol type as its CLR type:
/// double (float), long (integer, <c>i</c>), ulong (unsigned, <c>u</c>), string or bool.
/// </summary>
internal readonly record struct DecodedField(string Key, object Value);
