using System.Globalization;

namespace ExecdJvb.Configuration;

/// <summary>Sizes written as Telegraf writes them ("1MiB", "512KB", or plain bytes).</summary>
internal static class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        ReadOnlySpan<char> value = text.AsSpan().Trim();
        int numberEnd = 0;
        while (numberEnd < value.Length && (char.IsAsciiDigit(value[numberEnd]) || value[numberEnd] == '.'))
        {
            numberEnd++;
        }

        if (numberEnd == 0 || !double.TryParse(value[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        double multiplier = value[numberEnd..].Trim().ToString().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1e3,
            "KIB" => 1024,
            "MB" => 1e6,
            "MIB" => 1024 * 1024,
            "GB" => 1e9,
            "GIB" => 1024 * 1024 * 1024,
            _ => double.NaN,
        };
        double total = number * multiplier;
        if (double.IsNaN(total) || total > long.MaxValue)
        {
            return false;
        }

        bytes = (long)total;
        return true;
    }

    /// <summary>The largest binary unit that divides the size exactly: 1048576 is "1MiB".</summary>
    public static string Format(long bytes)
    {
        foreach ((long unit, string name) in (ReadOnlySpan<(long, string)>)[(1024L * 1024 * 1024, "GiB"), (1024L * 1024, "MiB"), (1024L, "KiB")])
        {
            if (bytes != 0 && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + name;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
