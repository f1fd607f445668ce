using System.Globalization;

namespace ExecdJvb.LineProtocol;

/// <summary>
/// Formats doubles the way Go's strconv.FormatFloat does with precision -1 (the shortest digits that read back as
/// the same double): 'f' for field values, as Telegraf's influx serializer writes them
/// (<c>strconv.AppendFloat(buf, v, 'f', -1, 64)</c>: <c>2121604</c>, never <c>2.121604e+06</c>) and for numbers
/// Telegraf's json parser turns into tag values; 'g' for the bucket and quantile field names of the prometheus
/// schema (<c>1e+06</c>), which Telegraf's prometheus parser names that way.
/// </summary>
internal static class GoFloatFormat
{
    /// <summary>Longest output: sign, 17 digits, point, up to 324 zeros for 'f' of 5e-324, 309 digits for 'f' of 1.8e308.</summary>
    public const int MaxLength = 350;

    /// <summary>Longest integer text <see cref="IsShortestF"/> takes: every integer of 15 digits is exact in a double.</summary>
    private const int MaxVerbatimDigits = 15;

    public static int FormatG(double value, Span<byte> destination) => Format(value, destination, fixedOnly: false);

    public static int FormatF(double value, Span<byte> destination) => Format(value, destination, fixedOnly: true);

    /// <summary>
    /// True when the text is exactly what <see cref="FormatF(double, Span{byte})"/> writes for the number it spells:
    /// an integer of at most 15 digits, no leading zero, no "-0". Most JVB numbers look like that, and copying them
    /// saves parsing and formatting. A longer integer may not be exact in a double (9007199254740993 reads back as
    /// 9007199254740992, and 'f' writes that), so it takes the long way.
    /// </summary>
    public static bool IsShortestF(ReadOnlySpan<byte> text)
    {
        int start = !text.IsEmpty && text[0] == (byte)'-' ? 1 : 0;
        int digits = text.Length - start;
        if (digits is < 1 or > MaxVerbatimDigits)
        {
            return false;
        }

        if (text[start] == (byte)'0')
        {
            return digits == 1 && start == 0;
        }

        for (int i = start; i < text.Length; i++)
        {
            if ((uint)(text[i] - '0') > 9)
            {
                return false;
            }
        }

        return true;
    }

    private static int FormatIntegral(long value, Span<byte> destination, bool fixedOnly)
    {
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        int sign = value < 0 ? 1 : 0;
        int digits = written - sign;
        int decimalExponent = digits - 1;
        if (fixedOnly || decimalExponent < 6)
        {
            return written;
        }

        // d.ddd e+XX, as Go's 'g' writes a decimal exponent of 6 or more.
        int significant = written;
        while (destination[significant - 1] == (byte)'0')
        {
            significant--;
        }

        Span<byte> mantissa = stackalloc byte[20];
        destination[sign..significant].CopyTo(mantissa);
        int length = significant - sign;
        int position = sign;
        destination[position++] = mantissa[0];
        if (length > 1)
        {
            destination[position++] = (byte)'.';
            mantissa[1..length].CopyTo(destination[position..]);
            position += length - 1;
        }

        destination[position++] = (byte)'e';
        destination[position++] = (byte)'+';
        if (decimalExponent < 10)
        {
            destination[position++] = (byte)'0';
        }

        decimalExponent.TryFormat(destination[position..], out int exponentLength, default, CultureInfo.InvariantCulture);
        return position + exponentLength;
    }

    private static int Format(double value, Span<byte> destination, bool fixedOnly)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "NaN and infinities have no line-protocol form");
        }

        // Most JVB numbers are counters: an integral value below 2^53 is exact, so its own digits (less
        // trailing zeros) are the shortest round-trip form, with no detour through "R" text.
        if (value == Math.Floor(value) && Math.Abs(value) < 9007199254740992.0 && !(value == 0 && double.IsNegative(value)))
        {
            return FormatIntegral((long)value, destination, fixedOnly);
        }

        // .NET's "R" yields the shortest round-trip digits, like Go's Ryu path; only the layout differs.
        Span<byte> shortest = stackalloc byte[32];
        if (!value.TryFormat(shortest, out int length, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("shortest form of a double exceeded 32 bytes");
        }

        shortest = shortest[..length];
        bool negative = shortest[0] == (byte)'-';
        Span<byte> digits = stackalloc byte[32];
        int digitCount = 0;
        int pointPosition = -1;
        int exponent = 0;
        int i = negative ? 1 : 0;
        for (; i < shortest.Length; i++)
        {
            byte c = shortest[i];
            if (c == (byte)'.')
            {
                pointPosition = digitCount;
            }
            else if (c == (byte)'E')
            {
                exponent = int.Parse(shortest[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                digits[digitCount++] = c;
            }
        }

        if (pointPosition < 0)
        {
            pointPosition = digitCount;
        }

        // Normalise to digits d1d2...dn with the decimal point after position decimalPoint, no leading zeros.
        int leadingZeros = 0;
        while (leadingZeros < digitCount - 1 && digits[leadingZeros] == (byte)'0')
        {
            leadingZeros++;
        }

        int trailing = digitCount;
        while (trailing > leadingZeros + 1 && digits[trailing - 1] == (byte)'0')
        {
            trailing--;
        }

        ReadOnlySpan<byte> significant = digits[leadingZeros..trailing];
        int decimalPoint = pointPosition - leadingZeros + exponent;
        bool isZero = significant.Length == 1 && significant[0] == (byte)'0';
        if (isZero)
        {
            decimalPoint = 1;
        }

        int written = 0;
        if (negative)
        {
            destination[written++] = (byte)'-';
        }

        int decimalExponent = decimalPoint - 1;
        if (!fixedOnly && (decimalExponent < -4 || decimalExponent >= 6))
        {
            destination[written++] = significant[0];
            if (significant.Length > 1)
            {
                destination[written++] = (byte)'.';
                significant[1..].CopyTo(destination[written..]);
                written += significant.Length - 1;
            }

            destination[written++] = (byte)'e';
            destination[written++] = decimalExponent < 0 ? (byte)'-' : (byte)'+';
            int magnitude = Math.Abs(decimalExponent);
            if (magnitude < 10)
            {
                destination[written++] = (byte)'0';
            }

            magnitude.TryFormat(destination[written..], out int expLength, default, CultureInfo.InvariantCulture);
            return written + expLength;
        }

        if (decimalPoint <= 0)
        {
            destination[written++] = (byte)'0';
            destination[written++] = (byte)'.';
            destination.Slice(written, -decimalPoint).Fill((byte)'0');
            written += -decimalPoint;
            significant.CopyTo(destination[written..]);
            return written + significant.Length;
        }

        if (decimalPoint >= significant.Length)
        {
            significant.CopyTo(destination[written..]);
            written += significant.Length;
            int zeros = decimalPoint - significant.Length;
            destination.Slice(written, zeros).Fill((byte)'0');
            return written + zeros;
        }

        significant[..decimalPoint].CopyTo(destination[written..]);
        written += decimalPoint;
        destination[written++] = (byte)'.';
        significant[decimalPoint..].CopyTo(destination[written..]);
        return written + significant.Length - decimalPoint;
    }
}
