using System.Text;

namespace ExecdJvb.Tests.Integration;

/// <summary>Adds the host tag to a line as Telegraf's agent does to every metric (tags kept sorted by key).</summary>
internal static class TelegrafHostTag
{
    public static string Add(string line, string host)
    {
        int seriesEnd = IndexOfUnescaped(line, ' ', 0);
        if (seriesEnd < 0)
        {
            throw new FormatException($"not a line-protocol line: {line}");
        }

        List<string> parts = Split(line[..seriesEnd]);
        if (parts.Skip(1).Any(tag => tag.StartsWith("host=", StringComparison.Ordinal)))
        {
            return line;
        }

        List<string> tags = [.. parts.Skip(1), "host=" + host];
        tags.Sort(StringComparer.Ordinal);
        return string.Join(',', [parts[0], .. tags]) + line[seriesEnd..];
    }

    private static List<string> Split(string series)
    {
        var parts = new List<string>();
        int start = 0;
        int comma;
        while ((comma = IndexOfUnescaped(series, ',', start)) >= 0)
        {
            parts.Add(series[start..comma]);
            start = comma + 1;
        }

        parts.Add(series[start..]);
        return parts;
    }

    private static int IndexOfUnescaped(string text, char wanted, int from)
    {
        for (int i = from; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == wanted)
            {
                return i;
            }
        }

        return -1;
    }
}
