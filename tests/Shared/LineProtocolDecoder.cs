using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Unicode;

namespace ExecdJvb.Tests;

/// <summary>
/// A line-protocol decoder written from the InfluxDB line-protocol reference, with the corner cases settled
/// the way the reference Go decoder (github.com/influxdata/line-protocol/v2) settles them, as its decode
/// corpus records. It shares nothing with <see cref="LineProtocolWriter"/> on purpose: the property tests use
/// it to judge what that writer produces. Tags come back in the order written (a repeated tag key is an
/// error, as InfluxDB answers "duplicate tags"); fields in the order written, repeats allowed.
/// </summary>
internal sealed class LineProtocolDecoder
{
    private readonly byte[] _text;
    private readonly List<byte> _token = [];
    private int _position;

    private LineProtocolDecoder(byte[] text)
    {
        _text = text;
    }

    private bool AtEnd => _position >= _text.Length;

    /// <summary>Every point of <paramref name="text"/>; a syntax error anywhere throws <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<DecodedPoint> Decode(ReadOnlySpan<byte> text, long defaultTime = 0, long nanosecondsPerUnit = 1) =>
        TryDecode(text, defaultTime, nanosecondsPerUnit, out IReadOnlyList<DecodedPoint> points, out string? error)
            ? points
            : throw new FormatException(error);

    public static IReadOnlyList<DecodedPoint> Decode(string text, long defaultTime = 0) => Decode(Encoding.UTF8.GetBytes(text), defaultTime);

    /// <summary>Decodes lines as printed or written one by one, each without its line break.</summary>
    public static IReadOnlyList<DecodedPoint> DecodeLines(IEnumerable<string> lines) => Decode(string.Concat(lines.Select(line => line + "\n")));

    /// <summary>
    /// Decodes every point of <paramref name="text"/>. <paramref name="nanosecondsPerUnit"/> is the precision
    /// (1 for ns, 1000 for µs, …); a point without a timestamp gets <paramref name="defaultTime"/> truncated to it.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, long defaultTime, long nanosecondsPerUnit, out IReadOnlyList<DecodedPoint> points, out string? error)
    {
        var decoder = new LineProtocolDecoder(text.ToArray());
        var decoded = new List<DecodedPoint>();
        try
        {
            while (decoder.SkipBlankAndCommentLines())
            {
                decoded.Add(decoder.ReadPoint(defaultTime, nanosecondsPerUnit));
            }
        }
        catch (FormatException ex)
        {
            points = [];
            error = $"point {decoded.Count}: {ex.Message}";
            return false;
        }

        points = decoded;
        error = null;
        return true;
    }

    /// <summary>Skips empty lines, lines of spaces and comments; false at the end of the text.</summary>
    private bool SkipBlankAndCommentLines()
    {
        while (true)
        {
            int lineStart = _position;
            SkipSpaces();
            if (AtEnd)
            {
                return false;
            }

            switch (_text[_position])
            {
                case (byte)'#':
                    while (!AtEnd && !IsNonPrintable(_text[_position]))
                    {
                        _position++;
                    }

                    if (!TakeEndOfLine())
                    {
                        // A control character inside a comment: the comment is read as a point, which fails.
                        _position = lineStart;
                        return true;
                    }

                    break;
                case (byte)'\n':
                    _position++;
                    break;
                case (byte)'\r':
                    if (!TakeEndOfLine())
                    {
                        return true;
                    }

                    break;
                default:
                    return true;
            }
        }
    }

    private DecodedPoint ReadPoint(long defaultTime, long nanosecondsPerUnit)
    {
        int start = _position;
        string measurement = ReadEscaped(IsMeasurementByte, " ,"u8);
        if (measurement.Length == 0)
        {
            throw Error(start, $"invalid character {Describe(_text[_position])} at the start of the measurement");
        }

        if (measurement[0] == '#')
        {
            throw Error(start, "invalid character in a comment line");
        }

        TakeTagComma();
        List<DecodedTag> tags = ReadTags();
        List<DecodedField> fields = [];
        while (true)
        {
            int keyStart = _position;
            string key = ReadEscaped(IsKeyByte, ",= "u8);
            if (key.Length == 0)
            {
                throw AtEnd
                    ? Error(keyStart, "expected a field key, found the end of the input")
                    : Error(keyStart, $"invalid character {Describe(_text[_position])} at the start of a field key");
            }

            if (AtEnd || _text[_position] != '=')
            {
                throw Error(_position, $"expected '=' after field key \"{key}\"");
            }

            _position++;
            if (AtEnd)
            {
                throw Error(_position, $"expected a value for field \"{key}\", found the end of the input");
            }

            fields.Add(new DecodedField(key, ReadFieldValue(key)));
            if (AtEnd)
            {
                return new DecodedPoint(measurement, tags, fields, Truncate(defaultTime, nanosecondsPerUnit));
            }

            byte next = _text[_position];
            if (next == ',')
            {
                _position++;
                continue;
            }

            if (!IsWhitespace(next))
            {
                throw Error(_position, $"unexpected character {Describe(next)} after field \"{key}\"");
            }

            SkipSpaces();
            if (TakeEndOfLine())
            {
                return new DecodedPoint(measurement, tags, fields, Truncate(defaultTime, nanosecondsPerUnit));
            }

            break;
        }

        int timeStart = _position;
        while (!AtEnd && IsTimeByte(_text[_position]))
        {
            _position++;
        }

        int timeEnd = _position;
        if (!AtEnd)
        {
            if (!IsWhitespace(_text[_position]))
            {
                throw Error(timeStart, "invalid timestamp");
            }

            SkipSpaces();
            if (!TakeEndOfLine())
            {
                throw Error(_position, "unexpected text after the timestamp");
            }
        }

        if (timeEnd == timeStart)
        {
            return new DecodedPoint(measurement, tags, fields, Truncate(defaultTime, nanosecondsPerUnit));
        }

        if (!TryParseInteger(_text.AsSpan(timeStart, timeEnd - timeStart), out long time))
        {
            throw Error(timeStart, "invalid timestamp");
        }

        try
        {
            return new DecodedPoint(measurement, tags, fields, checked(time * nanosecondsPerUnit));
        }
        catch (OverflowException)
        {
            throw Error(timeStart, "timestamp out of range");
        }
    }

    private List<DecodedTag> ReadTags()
    {
        List<DecodedTag> tags = [];
        while (true)
        {
            if (!AtEnd && _text[_position] == ' ')
            {
                SkipSpaces();
                return tags;
            }

            int keyStart = _position;
            string key = ReadEscaped(IsKeyByte, ",= "u8);
            if (key.Length == 0)
            {
                throw AtEnd
                    ? Error(keyStart, "expected a tag key or a field, found the end of the input")
                    : Error(keyStart, $"expected a tag key or a field, found {Describe(_text[_position])}");
            }

            if (AtEnd || _text[_position] != '=')
            {
                throw Error(keyStart, $"expected '=' after tag key \"{key}\"");
            }

            _position++;
            int valueStart = _position;
            string value = ReadEscaped(IsTagValueByte, ", ="u8);
            if (value.Length == 0)
            {
                throw Error(valueStart, $"expected a value for tag \"{key}\"");
            }

            if (tags.Exists(tag => tag.Key == key))
            {
                throw Error(keyStart, $"duplicate tag key \"{key}\"");
            }

            tags.Add(new DecodedTag(key, value));
            if (AtEnd)
            {
                // Tags at the end of the input: the missing field is reported when the fields are read.
                return tags;
            }

            TakeTagComma();
        }
    }

    private object ReadFieldValue(string key)
    {
        int start = _position;
        byte first = _text[_position];
        if (first == '"')
        {
            _position++;
            string text = ReadEscaped(static c => c != '"', "\\\""u8);
            if (AtEnd)
            {
                throw Error(start, $"expected the closing quote of string field \"{key}\", found the end of the input");
            }

            _position++;
            return text;
        }

        while (!AtEnd && IsFieldValueByte(_text[_position]))
        {
            _position++;
        }

        ReadOnlySpan<byte> raw = _text.AsSpan(start, _position - start);
        switch (first)
        {
            case (byte)'t' or (byte)'T' or (byte)'f' or (byte)'F':
                return (object?)ParseBoolean(raw) ?? throw Error(start, $"invalid boolean value for field \"{key}\"");
            case (byte)'-' or (byte)'.' or (>= (byte)'0' and <= (byte)'9'):
                return raw[^1] switch
                {
                    (byte)'i' => TryParseInteger(raw[..^1], out long integer) ? (object)integer : throw Error(start, $"invalid or out-of-range integer for field \"{key}\""),
                    (byte)'u' => ulong.TryParse(raw[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong unsigned)
                        ? (object)unsigned
                        : throw Error(start, $"invalid or out-of-range unsigned integer for field \"{key}\""),
                    _ => TryParseFloat(raw, out double number) ? (object)number : throw Error(start, $"invalid or out-of-range float for field \"{key}\""),
                };
            default:
                throw Error(start, $"value of field \"{key}\" has no recognised type");
        }
    }

    /// <summary>
    /// Reads a name or string up to the first byte outside <paramref name="allowed"/>. A backslash before a byte
    /// of <paramref name="escapable"/> stands for that byte; any other backslash is kept as it is.
    /// </summary>
    private string ReadEscaped(Func<byte, bool> allowed, ReadOnlySpan<byte> escapable)
    {
        int start = _position;
        _token.Clear();
        while (!AtEnd)
        {
            byte c = _text[_position];
            if (c == '\\')
            {
                if (_position + 1 < _text.Length && escapable.Contains(_text[_position + 1]))
                {
                    _token.Add(_text[_position + 1]);
                    _position += 2;
                }
                else
                {
                    _token.Add(c);
                    _position++;
                }

                continue;
            }

            if (!allowed(c))
            {
                break;
            }

            _token.Add(c);
            _position++;
        }

        byte[] bytes = [.. _token];
        if (!Utf8.IsValid(bytes))
        {
            throw Error(start, "invalid UTF-8");
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>After a measurement or tag value: a comma must be followed by the next tag.</summary>
    private void TakeTagComma()
    {
        if (AtEnd || _text[_position] != ',')
        {
            return;
        }

        _position++;
        if (AtEnd)
        {
            throw Error(_position, "expected a tag key after the comma, found the end of the input");
        }

        if (IsWhitespace(_text[_position]))
        {
            throw Error(_position, "expected a tag key after the comma, found white space");
        }
    }

    /// <summary>Takes "\n", "\r\n" or a final "\r"; true also at the end of the input.</summary>
    private bool TakeEndOfLine()
    {
        if (AtEnd)
        {
            return true;
        }

        if (_text[_position] == '\n')
        {
            _position++;
            return true;
        }

        if (_text[_position] == '\r' && (_position + 1 == _text.Length || _text[_position + 1] == '\n'))
        {
            _position += _position + 1 == _text.Length ? 1 : 2;
            return true;
        }

        return false;
    }

    private void SkipSpaces()
    {
        while (!AtEnd && _text[_position] == ' ')
        {
            _position++;
        }
    }

    private FormatException Error(int position, string message)
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new FormatException($"at line {line}:{position - lineStart + 1}: {message}");
    }

    private static long Truncate(long time, long unit)
    {
        long remainder = time % unit;
        return remainder < 0 ? time - remainder - unit : time - remainder;
    }

    private static bool? ParseBoolean(ReadOnlySpan<byte> raw) =>
        raw.SequenceEqual("t"u8) || raw.SequenceEqual("T"u8) || raw.SequenceEqual("true"u8) || raw.SequenceEqual("True"u8) || raw.SequenceEqual("TRUE"u8) ? true
        : raw.SequenceEqual("f"u8) || raw.SequenceEqual("F"u8) || raw.SequenceEqual("false"u8) || raw.SequenceEqual("False"u8) || raw.SequenceEqual("FALSE"u8) ? false
        : null;

    /// <summary>A decimal int64 with an optional sign, as Go's strconv.ParseInt(s, 10, 64): no underscores, no spaces.</summary>
    private static bool TryParseInteger(ReadOnlySpan<byte> raw, out long value)
    {
        value = 0;
        int digits = raw.Length > 0 && (raw[0] == '-' || raw[0] == '+') ? 1 : 0;
        if (digits == raw.Length)
        {
            return false;
        }

        foreach (byte c in raw[digits..])
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }
        }

        return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// A float as Go's strconv.ParseFloat(s, 64) reads it: decimal or hexadecimal (0x…p…) mantissa, underscores
    /// only between digits, and the result must be finite (an overflow is an error, an underflow is zero).
    /// </summary>
    private static bool TryParseFloat(ReadOnlySpan<byte> raw, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (i < raw.Length && (raw[i] == '+' || raw[i] == '-'))
        {
            negative = raw[i] == '-';
            i++;
        }

        bool hex = i + 2 < raw.Length && raw[i] == '0' && (raw[i + 1] | 0x20) == 'x';
        if (hex)
        {
            i += 2;
        }

        var decimalMantissa = new StringBuilder();
        BigInteger hexMantissa = BigInteger.Zero;
        int fractionDigits = 0;
        bool sawDot = false;
        bool sawDigits = false;
        bool underscores = false;
        for (; i < raw.Length; i++)
        {
            byte c = raw[i];
            if (c == '_')
            {
                underscores = true;
                continue;
            }

            if (c == '.')
            {
                if (sawDot)
                {
                    break;
                }

                sawDot = true;
                decimalMantissa.Append('.');
                continue;
            }

            int digit = char.IsAsciiDigit((char)c) ? c - '0'
                : hex && char.IsAsciiHexDigit((char)c) ? (c | 0x20) - 'a' + 10
                : -1;
            if (digit < 0)
            {
                break;
            }

            sawDigits = true;
            if (sawDot)
            {
                fractionDigits++;
            }

            if (hex)
            {
                hexMantissa = (hexMantissa << 4) + digit;
            }
            else
            {
                decimalMantissa.Append((char)c);
            }
        }

        if (!sawDigits)
        {
            return false;
        }

        // Like Go, stop accumulating huge exponents: the value is infinite or zero long before.
        int exponent = 0;
        if (i < raw.Length && (raw[i] | 0x20) == (hex ? 'p' : 'e'))
        {
            i++;
            int sign = 1;
            if (i < raw.Length && (raw[i] == '+' || raw[i] == '-'))
            {
                sign = raw[i] == '-' ? -1 : 1;
                i++;
            }

            if (i >= raw.Length || !char.IsAsciiDigit((char)raw[i]))
            {
                return false;
            }

            for (; i < raw.Length && (char.IsAsciiDigit((char)raw[i]) || raw[i] == '_'); i++)
            {
                if (raw[i] == '_')
                {
                    underscores = true;
                }
                else if (exponent < 10_000)
                {
                    exponent = (exponent * 10) + (raw[i] - '0');
                }
            }

            exponent *= sign;
        }
        else if (hex)
        {
            return false;
        }

        if (i != raw.Length || (underscores && !UnderscoresSitBetweenDigits(raw)))
        {
            return false;
        }

        if (hex)
        {
            value = ScaleBinary(hexMantissa, exponent - (4L * fractionDigits));
        }
        else
        {
            string mantissa = decimalMantissa.ToString().TrimEnd('.');
            value = double.Parse(
                $"{(mantissa.StartsWith('.') ? "0" : "")}{mantissa}e{exponent.ToString(CultureInfo.InvariantCulture)}",
                NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture);
        }

        value = negative ? -value : value;
        return double.IsFinite(value);
    }

    /// <summary>Go's rule: an underscore must sit between two digits, or between a base prefix and a digit.</summary>
    private static bool UnderscoresSitBetweenDigits(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > 0 && (raw[0] == '-' || raw[0] == '+'))
        {
            raw = raw[1..];
        }

        char previous = '^';
        int i = 0;
        bool hex = false;
        if (raw.Length >= 2 && raw[0] == '0' && (raw[1] | 0x20) is 'b' or 'o' or 'x')
        {
            i = 2;
            previous = '0';
            hex = (raw[1] | 0x20) == 'x';
        }

        for (; i < raw.Length; i++)
        {
            byte c = raw[i];
            if (char.IsAsciiDigit((char)c) || (hex && char.IsAsciiHexDigit((char)c)))
            {
                previous = '0';
            }
            else if (c == '_')
            {
                if (previous != '0')
                {
                    return false;
                }

                previous = '_';
            }
            else
            {
                if (previous == '_')
                {
                    return false;
                }

                previous = '!';
            }
        }

        return previous != '_';
    }

    /// <summary><paramref name="mantissa"/> × 2^<paramref name="exponent"/>, rounded to nearest even.</summary>
    private static double ScaleBinary(BigInteger mantissa, long exponent)
    {
        if (mantissa.IsZero)
        {
            return 0;
        }

        long bits = (long)mantissa.GetBitLength();
        long top = bits - 1 + exponent;
        if (top > 1023)
        {
            return double.PositiveInfinity;
        }

        long lowest = Math.Max(top - 52, -1074);
        long drop = lowest - exponent;
        BigInteger kept;
        if (drop <= 0)
        {
            kept = mantissa << (int)-drop;
        }
        else if (drop > bits)
        {
            return 0;
        }
        else
        {
            kept = mantissa >> (int)drop;
            BigInteger remainder = mantissa - (kept << (int)drop);
            BigInteger half = BigInteger.One << (int)(drop - 1);
            if (remainder > half || (remainder == half && !kept.IsEven))
            {
                kept++;
            }
        }

        return Math.ScaleB((double)kept, (int)lowest);
    }

    private static bool IsNonPrintable(byte c) => c < 0x20 || c == 0x7F;

    private static bool IsWhitespace(byte c) => c is (byte)' ' or (byte)'\r' or (byte)'\n';

    private static bool IsMeasurementByte(byte c) => c != ',' && c != ' ' && !IsNonPrintable(c);

    /// <summary>Tag keys and field keys share one alphabet.</summary>
    private static bool IsKeyByte(byte c) => c != ',' && c != '=' && c != ' ' && !IsNonPrintable(c);

    /// <summary>Tag values may hold control characters other than the line ends (the corpus decodes "k=x\x01y").</summary>
    private static bool IsTagValueByte(byte c) => c != ',' && c != '=' && !IsWhitespace(c);

    private static bool IsFieldValueByte(byte c) => c != ',' && !IsWhitespace(c);

    private static bool IsTimeByte(byte c) => c == '-' || char.IsAsciiDigit((char)c);

    private static string Describe(byte c) => c is >= 0x20 and < 0x7F ? $"'{(char)c}'" : $"0x{c:X2}";
}
