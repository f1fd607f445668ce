using System.Text;
using BenchmarkDotNet.Attributes;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Benchmarks;

/// <summary>Line-protocol syntax alone: one JVB-sized point with a few tags and 70 float fields.</summary>
[MemoryDiagnoser]
public class WriterBenchmarks
{
    private const int FieldCount = 70;
    private const long Timestamp = 1_732_492_800_000_000_000;

    private readonly byte[] _measurement = Encoding.UTF8.GetBytes("jitsi_stats");
    private readonly (byte[] Key, byte[] Value)[] _tags =
    [
        (Encoding.UTF8.GetBytes("container_name"), Encoding.UTF8.GetBytes("docker-jitsi-meet-jvb-1")),
        (Encoding.UTF8.GetBytes("host"), Encoding.UTF8.GetBytes("meet.example.org")),
        (Encoding.UTF8.GetBytes("url"), Encoding.UTF8.GetBytes("http://172.18.0.5:8080/colibri/stats")),
    ];

    private byte[][] _fieldKeys = [];
    private double[] _fieldValues = [];
    private LineProtocolWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fieldKeys = new byte[FieldCount][];
        _fieldValues = new double[FieldCount];
        for (int i = 0; i < FieldCount; i++)
        {
            _fieldKeys[i] = Encoding.UTF8.GetBytes($"stat_{i:D2}_bit_rate_download");
            _fieldValues[i] = (i % 4) switch
            {
                0 => i,
                1 => i * 1_000_003.0,
                2 => i / 7.0,
                _ => 0.0,
            };
        }

        _writer = new LineProtocolWriter();
        WritePoint();
    }

    [Benchmark]
    public int WritePoint()
    {
        LineProtocolWriter writer = _writer;
        writer.Clear();
        writer.BeginLine(_measurement);
        foreach ((byte[] key, byte[] value) in _tags)
        {
            writer.AddTag(key, value);
        }

        for (int i = 0; i < _fieldKeys.Length; i++)
        {
            writer.AddField(_fieldKeys[i], _fieldValues[i]);
        }

        writer.EndLine(Timestamp);
        return writer.WrittenMemory.Span.Length;
    }
}
