using System.Globalization;
using System.Text;

namespace ExecdJvb.Tests;

/// <summary>One line-protocol entry as decoded: tags and fields in the order they were written, time in nanoseconds.</summary>
internal sealed record DecodedPoint(string Measurement, IReadOnlyList<DecodedTag> Tags, IReadOnlyList<DecodedField> Fields, long Time)
{
    /// <summary>
    /// An exact rendering for comparisons and failure messages: every type named, floats with their bits (so -0
    /// and 0 differ), strings quoted with their control characters spelled out.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder(Quote(Measurement));
        foreach (DecodedTag tag in Tags)
        {
            text.Append(CultureInfo.InvariantCulture, $" tag {Quote(tag.Key)}={Quote(tag.Value)}");
        }

        foreach (DecodedField field in Fields)
        {
            text.Append(CultureInfo.InvariantCulture, $" field {Quote(field.Key)}={Describe(field.Value)}");
        }

        return text.Append(CultureInfo.InvariantCulture, $" time {Time}").ToString();
    }

    public static string Describe(object value) => value switch
    {
        double number => string.Create(CultureInfo.InvariantCulture, $"float {number:R} (0x{BitConverter.DoubleToInt64Bits(number):X16})"),
        long integer => string.Create(CultureInfo.InvariantCulture, $"int {integer}"),
        ulong unsigned => string.Create(CultureInfo.InvariantCulture, $"uint {unsigned}"),
        string s => $"string {Quote(s)}",
        bool b => b ? "bool true" : "bool false",
        _ => throw new ArgumentException($"{value.GetType()} is not a line-protocol field type", nameof(value)),
    };

    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or '\x7f' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
