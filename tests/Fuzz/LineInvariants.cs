using System.Globalization;
using System.Text.Unicode;
using ExecdJvb.Mapping;

namespace ExecdJvb.Fuzz;

/// <summary>
/// The rules every mapped answer obeys, checked on the writer's bytes without allocating: at most one
/// line, newline-terminated, UTF-8, measurement jitsi_stats, every field a finite float (no "=i…",
/// NaN or Infinity) without an exponent, as Telegraf's influx serializer writes it ('f'), text only where
/// json_string_fields asks for it. Tokenizes the way InfluxDB 1.x
/// does: a delimiter preceded by a backslash is escaped; inside a string value a backslash escapes
/// the next byte.
/// </summary>
internal static class LineInvariants
{
    /// <summary>The flattened name the text-fields configuration writes as a string or boolean field.</summary>
    public static ReadOnlySpan<byte> TextField => "version"u8;

    /// <summary>Null when the output is sound, else what is wrong with it.</summary>
    public static string? Violation(ReadOnlySpan<byte> output, MapOutcome outcome, bool textFieldsAllowed, ReadOnlySpan<byte> timestamp)
    {
        if (output.IsEmpty)
        {
            return outcome.Written ? "Map reported a written line but the writer is empty" : null;
        }

        if (!outcome.Written)
        {
            return $"Map reported {outcome.Status} but left {output.Length} byte(s) in the writer";
        }

        if (output[^1] != (byte)'\n')
        {
            return "the output does not end with a newline";
        }

        int firstNewline = output.IndexOf((byte)'\n');
        if (firstNewline != output.Length - 1)
        {
            return $"the output holds more than one line (a newline at byte {firstNewline} of {output.Length})";
        }

        if (!Utf8.IsValid(output))
        {
            return "the output is not valid UTF-8";
        }

        if (!output.StartsWith("jitsi_stats"u8))
        {
            return "the measurement does not start with jitsi_stats";
        }

        ReadOnlySpan<byte> line = output[..^1];
        int i = IndexOfUnescaped(line, 0, (byte)' ');
        if (i < 0)
        {
            return "the line has no field set";
        }

        i++;
        while (true)
        {
            int equals = IndexOfUnescaped(line, i, (byte)'=');
            if (equals < 0)
            {
                return $"a field at byte {i} has no '='";
            }

            ReadOnlySpan<byte> key = line[i..equals];
            if (key.IsEmpty)
            {
                return $"an empty field key at byte {i}";
            }

            int valueStart = equals + 1;
            int valueEnd;
            if (valueStart < line.Length && line[valueStart] == (byte)'"')
            {
                valueEnd = EndOfString(line, valueStart + 1);
                if (valueEnd < 0)
                {
                    return $"an unterminated string value at byte {valueStart}";
                }

                if (!IsTextField(key, textFieldsAllowed))
                {
                    return $"a string field at byte {i} that json_string_fields did not ask for";
                }
            }
            else
            {
                int stop = line[valueStart..].IndexOfAny((byte)',', (byte)' ');
                valueEnd = stop < 0 ? line.Length : valueStart + stop;
                string? bad = NumberOrBooleanViolation(line[valueStart..valueEnd], key, textFieldsAllowed);
                if (bad is not null)
                {
                    return $"the field at byte {i}: {bad}";
                }
            }

            if (valueEnd >= line.Length)
            {
                return "the line has no timestamp";
            }

            if (line[valueEnd] == (byte)',')
            {
                i = valueEnd + 1;
                continue;
            }

            if (line[valueEnd] != (byte)' ')
            {
                return $"unexpected byte 0x{line[valueEnd]:x2} after a field value at byte {valueEnd}";
            }

            return line[(valueEnd + 1)..].SequenceEqual(timestamp) ? null : $"the line does not end with the timestamp (from byte {valueEnd + 1})";
        }
    }

    private static string? NumberOrBooleanViolation(ReadOnlySpan<byte> value, ReadOnlySpan<byte> key, bool textFieldsAllowed)
    {
        if (value.IsEmpty)
        {
            return "an empty value";
        }

        if (value.SequenceEqual("true"u8) || value.SequenceEqual("false"u8))
        {
            return IsTextField(key, textFieldsAllowed) ? null : "a boolean field that json_string_fields did not ask for";
        }

        // "=i…" would be an integer or an infinity, NaN/Infinity have no line-protocol form: only finite floats.
        byte first = value[0];
        if (first != (byte)'-' && (first < (byte)'0' || first > (byte)'9'))
        {
            return $"a value starting with '{(char)first}', not a number";
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return "a value that is not a float";
        }

        if (value.IndexOfAny((byte)'e', (byte)'E') >= 0)
        {
            return "a float with an exponent, which Telegraf's influx serializer ('f') never writes";
        }

        return double.IsFinite(number) ? null : "a value that is NaN or infinite";
    }

    private static bool IsTextField(ReadOnlySpan<byte> key, bool textFieldsAllowed) => textFieldsAllowed && key.SequenceEqual(TextField);

    private static int IndexOfUnescaped(ReadOnlySpan<byte> line, int start, byte delimiter)
    {
        for (int i = start; i < line.Length; i++)
        {
            if (line[i] == delimiter && (i == 0 || line[i - 1] != (byte)'\\'))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Index just past the closing quote of a string value whose content starts at <paramref name="start"/>, or -1.</summary>
    private static int EndOfString(ReadOnlySpan<byte> line, int start)
    {
        for (int i = start; i < line.Length; i++)
        {
            if (line[i] == (byte)'\\')
            {
                i++;
            }
            else if (line[i] == (byte)'"')
            {
                return i + 1;
            }
        }

        return -1;
    }
}
