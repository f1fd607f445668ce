using System.Globalization;

namespace ExecdJvb.Configuration;

/// <summary>Durations written as Telegraf writes them in its config ("10s", "500ms", "1m30s").</summary>
internal static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text.AsSpan().Trim();
        if (rest is "0")
        {
            return true;
        }

        double totalMilliseconds = 0;
        while (!rest.IsEmpty)
        {
            int numberEnd = 0;
            while (numberEnd < rest.Length && (char.IsAsciiDigit(rest[numberEnd]) || rest[numberEnd] == '.'))
            {
                numberEnd++;
            }

            int unitEnd = numberEnd;
            while (unitEnd < rest.Length && !char.IsAsciiDigit(rest[unitEnd]) && rest[unitEnd] != '.')
            {
                unitEnd++;
            }

            if (numberEnd == 0 || !double.TryParse(rest[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            double unitMilliseconds = rest[numberEnd..unitEnd] switch
            {
                "ns" => 1e-6,
                "us" or "µs" => 1e-3,
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => double.NaN,
            };
            if (double.IsNaN(unitMilliseconds))
            {
                return false;
            }

            totalMilliseconds += number * unitMilliseconds;
            rest = rest[unitEnd..];
        }

        if (totalMilliseconds > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(totalMilliseconds);
        return true;
    }

    public static string Format(TimeSpan value) => value switch
    {
        { Ticks: 0 } => "0s",
        { TotalSeconds: < 1 } => $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        _ => $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
    };
}
