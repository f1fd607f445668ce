namespace ExecdJvb.Formats;

/// <summary>
/// Which parser Telegraf's <c>inputs.prometheus</c> picks for an answer: its OpenMetrics parser when the
/// <c>Content-Type</c> names the media type <c>application/openmetrics-text</c>, with any parameters and any
/// <c>version</c> (Prosody sends <c>version=0.0.4</c>); its Prometheus text parser otherwise, also when the header is
/// missing. The header is read as Go's <c>mime.ParseMediaType</c> reads it, because a value that function refuses
/// (a broken parameter, a parameter named twice with two values) sends the answer to the Prometheus parser.
/// </summary>
internal static class OpenMetricsContentType
{
    private const string MediaType = "application/openmetrics-text";

    public static bool IsOpenMetrics(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        int semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        ReadOnlySpan<char> baseType = (semicolon < 0 ? contentType : contentType[..semicolon]).AsSpan().Trim();
        if (!baseType.Equals(MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return semicolon < 0 || ParametersAreValid(contentType.AsSpan(semicolon));
    }

    /// <summary>
    /// <c>; name=value</c> pairs, the value a token or a quoted string; a trailing lone semicolon is allowed, and so
    /// is a name given twice with the same value (after lower-casing the name), as in Go.
    /// </summary>
    private static bool ParametersAreValid(ReadOnlySpan<char> rest)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            rest = rest.TrimStart();
            if (rest.IsEmpty)
            {
                return true;
            }

            if (!TryConsumeParameter(rest, out string name, out string value, out ReadOnlySpan<char> after))
            {
                // Go ignores a trailing semicolon, and calls anything else a parse error.
                return rest.Trim().SequenceEqual(";");
            }

            // Go keeps RFC 2231 continuations (name*, name*0) apart from plain names; each must not repeat either.
            int star = name.IndexOf('*', StringComparison.Ordinal);
            string scoped = star < 0 ? name : string.Concat(name.AsSpan(0, star), "\n", name);
            if (seen.TryGetValue(scoped, out string? earlier) && earlier != value)
            {
                return false;
            }

            seen[scoped] = value;
            rest = after;
        }
    }

    private static bool TryConsumeParameter(ReadOnlySpan<char> text, out string name, out string value, out ReadOnlySpan<char> rest)
    {
        name = string.Empty;
        value = string.Empty;
        rest = text;
        ReadOnlySpan<char> at = text.TrimStart();
        if (at.IsEmpty || at[0] != ';')
        {
            return false;
        }

        at = at[1..].TrimStart();
        int nameLength = TokenLength(at);
        if (nameLength == 0)
        {
            return false;
        }

        name = at[..nameLength].ToString().ToLowerInvariant();
        at = at[nameLength..].TrimStart();
        if (at.IsEmpty || at[0] != '=')
        {
            return false;
        }

        at = at[1..].TrimStart();
        if (!TryConsumeValue(at, out value, out ReadOnlySpan<char> afterValue))
        {
            return false;
        }

        rest = afterValue;
        return true;
    }

    private static bool TryConsumeValue(ReadOnlySpan<char> text, out string value, out ReadOnlySpan<char> rest)
    {
        value = string.Empty;
        rest = text;
        if (text.IsEmpty)
        {
            return false;
        }

        if (text[0] != '"')
        {
            int length = TokenLength(text);
            value = text[..length].ToString();
            rest = text[length..];
            return length > 0;
        }

        var unquoted = new System.Text.StringBuilder();
        for (int i = 1; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                value = unquoted.ToString();
                rest = text[(i + 1)..];
                return true;
            }

            if (c == '\\' && i + 1 < text.Length && IsSpecial(text[i + 1]))
            {
                unquoted.Append(text[++i]);
                continue;
            }

            if (c is '\r' or '\n')
            {
                return false;
            }

            unquoted.Append(c);
        }

        return false;
    }

    /// <summary>RFC 2045 token: printable ASCII except space and the specials.</summary>
    private static int TokenLength(ReadOnlySpan<char> text)
    {
        int length = 0;
        while (length < text.Length && text[length] is > ' ' and < '\x7f' && !IsSpecial(text[length]))
        {
            length++;
        }

        return length;
    }

    private static bool IsSpecial(char c) => c is '(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=';
}
