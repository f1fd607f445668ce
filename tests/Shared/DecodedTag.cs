namespace ExecdJvb.Tests;

/// <summary>A tag of a decoded point, unescaped.</summary>
internal readonly record struct DecodedTag(string Key, string Value);
