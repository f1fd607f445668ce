using System.Globalization;
using System.Numerics;
using System.Text;

namespace ExecdJvb.Tests;

public sealed class GoFloatFormatTests
{
    // Expected texts are Go's strconv.FormatFloat(v, 'g', -1, 64): exponent form when the decimal
    // exponent is below -4 or at least 6 (ftoa.go, "if shortest { eprec = 6 }").
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1.0, "1")]
    [InlineData(42.0, "42")]
    [InlineData(1284.955, "1284.955")]
    [InlineData(6.0430079999999995, "6.0430079999999995")]
    [InlineData(123456.0, "123456")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(6632243.0, "6.632243e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(-2.5e-7, "-2.5e-07")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1e-320, "1e-320")]
    [InlineData(9007199254740993.0, "9.007199254740992e+15")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2121604.0, "-2.121604e+06")]
    [InlineData(100000.0, "100000")]
    [InlineData(-999999.0, "-999999")]
    [InlineData(9007199254740991.0, "9.007199254740991e+15")]
    [InlineData(1378221812.0, "1.378221812e+09")]
    public void G_format_matches_Go(double value, string expected)
    {
        Assert.Equal(expected, GoFloatText.G(value));
    }

    [Theory]
    [InlineData(5.0, "5")]
    [InlineData(1e21, "1000000000000000000000")]
    [InlineData(0.00001, "0.00001")]
    [InlineData(-12.5, "-12.5")]
    [InlineData(1234567.0, "1234567")]
    public void F_format_matches_Go_and_never_uses_an_exponent(double value, string expected)
    {
        Assert.Equal(expected, GoFloatText.F(value));
    }

    [Fact]
    public void Integral_values_read_back_exactly_and_use_an_exponent_from_a_million_on()
    {
        var random = new Random(20261125);
        for (int i = 0; i < 20_000; i++)
        {
            double value = Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 16)));
            string text = GoFloatText.G(value);

            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Math.Abs(value) >= 1e6, text.Contains('e', StringComparison.Ordinal));
            Assert.Equal(Math.Abs(value).ToString("F0", System.Globalization.CultureInfo.InvariantCulture), GoFloatText.F(Math.Abs(value)));
        }
    }

    [Fact]
    public void The_shortest_text_reads_back_as_the_same_double_for_many_values()
    {
        var random = new Random(20261124);
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            double value = BitConverter.ToDouble(bytes);
            if (!double.IsFinite(value))
            {
                continue;
            }

            string text = GoFloatText.G(value);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            Assert.DoesNotContain('E', text);
        }
    }

    [Fact]
    public void Text_taken_as_shortest_is_exactly_what_FormatF_writes_for_its_value()
    {
        int accepted = 0;
        IEnumerable<string> integers = Enumerable.Range(-1_100_000, 2_200_001).Where(n => n % 97 == 0 || Math.Abs(n) < 1000).Select(n => n.ToString(CultureInfo.InvariantCulture));
        var random = new Random(20261127);
        IEnumerable<string> large = Enumerable.Range(0, 20_000).Select(i =>
        {
            // 7 to 18 digits, either sign: the digits the fast path takes and the first ones it must not.
            long magnitude = (long)Math.Pow(10, 6 + (i % 12));
            long value = magnitude + random.NextInt64(magnitude * 9);
            return (i % 3 == 0 ? -value : value).ToString(CultureInfo.InvariantCulture);
        }).ToList();
        foreach (string text in integers.Concat(large)
            .Concat(["0", "-0", "00", "01", "-01", "1.0", "1e3", "1e21", "", "-", "12a", "1000000", "2121604", "999999999999999", "-999999999999999",
                "1000000000000000", "9007199254740992", "9007199254740993", "1000000000000000000000", "18446744073709551615"]))
        {
            if (!GoFloatFormat.IsShortestF(Encoding.ASCII.GetBytes(text)))
            {
                continue;
            }

            accepted++;
            Assert.Equal(text, GoFloatText.F(double.Parse(text, CultureInfo.InvariantCulture)));
        }

        Assert.True(accepted > 35_000, $"only {accepted} texts were taken");
        Assert.False(GoFloatFormat.IsShortestF("-0"u8));
        Assert.False(GoFloatFormat.IsShortestF("007"u8));
        Assert.False(GoFloatFormat.IsShortestF("1e21"u8));
        Assert.False(GoFloatFormat.IsShortestF("9007199254740993"u8));
        Assert.True(GoFloatFormat.IsShortestF("1000000"u8));
        Assert.True(GoFloatFormat.IsShortestF("-999999999999999"u8));
    }

    [Fact]
    public void F_text_of_any_double_reads_back_as_the_same_double_has_no_exponent_and_places_the_shortest_digits()
    {
        var random = new Random(20261126);
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < 50_000; i++)
        {
            double value;
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
                value = BitConverter.ToDouble(bytes);
            }
            else
            {
                // Values of JVB size too: counters, rates and ratios.
                value = Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 22)), random.Next(0, 8));
            }

            if (!double.IsFinite(value))
            {
                continue;
            }

            string text = GoFloatText.F(value);

            Assert.Equal(value, double.Parse(text, CultureInfo.InvariantCulture));
            Assert.True(double.IsNegative(value) == text.StartsWith('-'), text);
            Assert.DoesNotContain('e', text);
            Assert.DoesNotContain('E', text);
            Assert.Equal(ShortestInFixedNotation(value), text);
        }
    }

    /// <summary>
    /// .NET's shortest round-trip digits ("R") laid out without an exponent, with decimal arithmetic on the text:
    /// what Go's strconv.FormatFloat(v, 'f', -1, 64) writes.
    /// </summary>
    private static string ShortestInFixedNotation(double value)
    {
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        string sign = shortest.StartsWith('-') ? "-" : "";
        string unsigned = shortest[sign.Length..];
        int e = unsigned.IndexOf('E', StringComparison.Ordinal);
        string mantissa = e < 0 ? unsigned : unsigned[..e];
        int exponent = e < 0 ? 0 : int.Parse(unsigned[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        int integerDigits = (point < 0 ? mantissa.Length : point) + exponent;

        // digits × 10^(integerDigits - digits.Length), as a BigInteger numerator over a power of ten.
        BigInteger numerator = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        int scale = Math.Max(0, digits.Length - integerDigits);
        if (integerDigits > digits.Length)
        {
            numerator *= BigInteger.Pow(10, integerDigits - digits.Length);
        }

        string whole = numerator.ToString(CultureInfo.InvariantCulture).PadLeft(scale + 1, '0');
        string integerPart = whole[..^scale];
        string fraction = scale == 0 ? "" : whole[^scale..].TrimEnd('0');
        return sign + integerPart + (fraction.Length > 0 ? "." + fraction : "");
    }
}
