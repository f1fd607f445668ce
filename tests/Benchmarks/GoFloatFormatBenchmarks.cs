using BenchmarkDotNet.Attributes;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Benchmarks;

/// <summary>
/// Go-compatible formatting of the kind of numbers a JVB reports; the time is per number. 'f' is every field value,
/// 'g' only the bucket and quantile names of the prometheus schema.
/// </summary>
[MemoryDiagnoser]
public class GoFloatFormatBenchmarks
{
    // Counters, byte totals, rates, ratios and the odd tiny or huge value: the mix of a colibri/stats answer.
    private static readonly double[] s_values =
    [
        0, 1, 2, 17, 250, 4096, 65_536, 1_048_576, 6_632_243, 123_456_789_012,
        0.5, 0.25, 0.0012, 3.14159, 0.999_999, 12.345_678_9, 1_234.5, 98_765.432_1,
        1e-7, 5e-324, 1.7976931348623157e308, 1e21, 2.5e20, -42, -0.001,
    ];

    private const int ValueCount = 25;

    private readonly byte[] _buffer = new byte[GoFloatFormat.MaxLength];

    [GlobalSetup]
    public void Setup()
    {
        if (s_values.Length != ValueCount)
        {
            throw new InvalidOperationException($"OperationsPerInvoke says {ValueCount} values, the list has {s_values.Length}");
        }
    }

    [Benchmark(OperationsPerInvoke = ValueCount)]
    public int FormatF()
    {
        int total = 0;
        foreach (double value in s_values)
        {
            total += GoFloatFormat.FormatF(value, _buffer);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = ValueCount)]
    public int FormatG()
    {
        int total = 0;
        foreach (double value in s_values)
        {
            total += GoFloatFormat.FormatG(value, _buffer);
        }

        return total;
    }
}
