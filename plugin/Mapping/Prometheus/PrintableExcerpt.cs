using System.Globalization;
using System.Text;

namespace ExecdJvb.Mapping.Prometheus;

/// <summary>
/// A piece of an answer quoted in a log line: printable ASCII as is, quote and backslash escaped, anything else
/// as \xNN, cut at a few dozen bytes, so a hostile answer cannot break or flood the line.
/// </summary>
internal static class PrintableExcerpt
{
    private const int MaxQuotedBytes = 48;

    public static void Append(StringBuilder message, ReadOnlySpan<byte> text)
    {
        int shown = Math.Min(text.Length, MaxQuotedBytes);
        foreach (byte b in text[..shown])
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                message.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7f)
            {
                message.Append((char)b);
            }
            else
            {
                message.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        if (shown < text.Length)
        {
            message.Append("...");
        }
    }
}
