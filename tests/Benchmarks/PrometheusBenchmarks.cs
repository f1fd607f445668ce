using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using ExecdJvb.LineProtocol;
using ExecdJvb.Formats;
using ExecdJvb.Jitsi;
using ExecdJvb.Mapping;

namespace ExecdJvb.Benchmarks;

/// <summary>
/// One gather's CPU work per JVB read through /metrics: the JVB 2.3.168 Prometheus text (tests/testdata/jvb-metrics)
/// parsed alone, and mapped into a reused line-protocol buffer in the prometheus schema and as the jitsi_stats point.
/// </summary>
[MemoryDiagnoser]
public class PrometheusBenchmarks
{
    private const long Timestamp = 1_732_492_800_000_000_000;
    private const string Fixture = "metrics-2.3.168.txt";

    private readonly ReaderBuffers _buffers = new();
    private readonly PrometheusSchemaMapper _mapper = new();
    private readonly LabelRenames _renames = ComponentProfile.Of(JitsiComponent.Jvb).LabelRenames;
    private readonly JitsiStatsShim _jitsiStats = new("jitsi_stats", []);
    private readonly TargetTag[] _tags = [new TargetTag("url", "http://127.0.0.1:8080/metrics")];
    private readonly LineProtocolWriter _writer = new();
    private byte[] _text = [];

    [GlobalSetup]
    public void Setup()
    {
        _text = File.ReadAllBytes(FixturePath());
        if (Read() < 200 || Map() != MapStatus.Written || MapJitsiStats() != MapStatus.Written)
        {
            throw new InvalidOperationException($"{Fixture} does not read as a JVB /metrics text");
        }
    }

    [Benchmark]
    public int Read()
    {
        var reader = new PrometheusTextReader(_text, _buffers);
        while (reader.Read())
        {
        }

        return reader.MalformedLineCount == 0 ? reader.SampleCount : -1;
    }

    [Benchmark]
    public MapStatus Map()
    {
        _writer.Clear();
        return _mapper.Map(_text, _tags, Timestamp, _writer, _renames).Status;
    }

    [Benchmark]
    public MapStatus MapJitsiStats()
    {
        _writer.Clear();
        return _jitsiStats.Map(_text, _tags, Timestamp, _writer).Status;
    }

    /// <summary>Next to the assembly when the project copies it there, else in the source tree this file was built from.</summary>
    private static string FixturePath([CallerFilePath] string source = "")
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "testdata", "jvb-metrics", Fixture);
        return File.Exists(copied) ? copied : Path.Combine(Path.GetDirectoryName(source)!, "..", "testdata", "jvb-metrics", Fixture);
    }
}
