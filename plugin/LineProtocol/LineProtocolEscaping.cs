using System.Buffers;

namespace ExecdJvb.LineProtocol;

/// <summary>
/// How a name or string value is written in each place of a line, as Telegraf's influx serializer escapes it:
/// a backslash before each separator of the place, and the control characters that would end a line written as
/// two characters (<c>\n</c>) in names.
/// </summary>
internal static class LineProtocolEscaping
{
    private static readonly SearchValues<byte> MeasurementSpecials = SearchValues.Create(", \n\r\t\f"u8);
    private static readonly SearchValues<byte> KeySpecials = SearchValues.Create(", =\n\r\t\f"u8);
    private static readonly SearchValues<byte> PlainKeyBreakers = SearchValues.Create(", =\n\r\t\f\\"u8);
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create("\"\\"u8);

    /// <summary>True when the text changes when escaped for <paramref name="place"/>: one vectorised search.</summary>
    public static bool NeedsEscape(ReadOnlySpan<byte> text, EscapePlace place) => text.ContainsAny(place switch
    {
        EscapePlace.Measurement => MeasurementSpecials,
        EscapePlace.Key => KeySpecials,
        _ => StringSpecials,
    });

    /// <summary>True when a key is written exactly as given: nothing to escape, and no backslash to trim or pair.</summary>
    public static bool IsPlainKey(ReadOnlySpan<byte> key) => !key.IsEmpty && !key.ContainsAny(PlainKeyBreakers);

    /// <summary>Writes the text escaped for <paramref name="place"/>; the destination holds twice the text. Returns the length.</summary>
    public static int Escape(ReadOnlySpan<byte> text, EscapePlace place, Span<byte> destination)
    {
        int written = 0;
        foreach (byte c in text)
        {
            switch (c)
            {
                case (byte)',' or (byte)' ' when place != EscapePlace.StringValue:
                case (byte)'=' when place == EscapePlace.Key:
                case (byte)'"' or (byte)'\\' when place == EscapePlace.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = c;
                    break;

                // Names cannot hold control characters that end a line; Telegraf writes them as two characters.
                case (byte)'\n' when place != EscapePlace.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'n';
                    break;
                case (byte)'\r' when place != EscapePlace.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'r';
                    break;
                case (byte)'\t' when place != EscapePlace.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'t';
                    break;
                case (byte)'\f' when place != EscapePlace.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'f';
                    break;
                default:
                    destination[written++] = c;
                    break;
            }
        }

        return written;
    }

    /// <summary>
    /// True when an odd run of backslashes stands right before a separator that gets escaped (a\,b is written
    /// a\\,b): in measurements and field keys, Telegraf's parser and InfluxDB 1.x read a backslash and the byte
    /// after it as one pair, so the escape is lost and the name splits there (InfluxDB answers 400). Tag keys and
    /// values are read with a rule that copes, and an even run reads back as written.
    /// </summary>
    public static bool HasBackslashBeforeEscape(ReadOnlySpan<byte> name, EscapePlace place)
    {
        if (!name.Contains((byte)'\\'))
        {
            return false;
        }

        int backslashes = 0;
        foreach (byte c in name)
        {
            if (c == (byte)'\\')
            {
                backslashes++;
                continue;
            }

            if (backslashes % 2 == 1 && (c is (byte)',' or (byte)' ' || (c == (byte)'=' && place == EscapePlace.Key)))
            {
                return true;
            }

            backslashes = 0;
        }

        return false;
    }
}

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
