using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using ExecdJvb.Formats;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping;

namespace ExecdJvb.Benchmarks;

/// <summary>
/// One gather's CPU work per Prosody: its OpenMetrics answer (tests/testdata/prosody) mapped into a reused
/// line-protocol buffer as Telegraf's inputs.prometheus writes it, Prosody's host label as xmpp_host.
/// </summary>
[MemoryDiagnoser]
public class OpenMetricsMapperBenchmarks
{
    private const long Timestamp = 1_732_492_800_000_000_000;
    private const string Fixture = "metrics-0.12.3-openmetrics.txt";

    private readonly OpenMetricsSchemaMapper _mapper = new();
    private readonly LabelRenames _renames = ComponentProfile.Of(JitsiComponent.Prosody).LabelRenames;
    private readonly TargetTag[] _tags = [new TargetTag("url", "http://127.0.0.1:5280/metrics")];
    private readonly LineProtocolWriter _writer = new();
    private byte[] _text = [];

    [GlobalSetup]
    public void Setup()
    {
        _text = File.ReadAllBytes(FixturePath());
        if (Map() != MapStatus.Written)
        {
            throw new InvalidOperationException($"{Fixture} does not read as Prosody's OpenMetrics text");
        }
    }

    [Benchmark]
    public MapStatus Map()
    {
        _writer.Clear();
        return _mapper.Map(_text, _tags, Timestamp, _writer, _renames).Status;
    }

    /// <summary>Next to the assembly when the project copies it there, else in the source tree this file was built from.</summary>
    private static string FixturePath([CallerFilePath] string source = "")
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "testdata", "prosody", Fixture);
        return File.Exists(copied) ? copied : Path.Combine(Path.GetDirectoryName(source)!, "..", "testdata", "prosody", Fixture);
    }
}
