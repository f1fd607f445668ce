using BenchmarkDotNet.Attributes;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping.Json;
using ExecdJvb.Mapping;

namespace ExecdJvb.Benchmarks;

/// <summary>One gather's CPU work per target: a JVB answer mapped into a reused line-protocol buffer.</summary>
[MemoryDiagnoser]
public class MapperBenchmarks
{
    private const long Timestamp = 1_732_492_800_000_000_000;

    private byte[] _json = [];
    private JsonFlattener _mapper = null!;
    private TargetTag[] _tags = [];
    private LineProtocolWriter _writer = null!;

    [ParamsSource(nameof(Fixtures))]
    public string Fixture { get; set; } = "";

    public static IEnumerable<string> Fixtures => JvbFixtures.ColibriStats();

    [GlobalSetup]
    public void Setup()
    {
        _json = JvbFixtures.ColibriStatsBytes(Fixture);
        _mapper = new JsonFlattener("jitsi_stats", [], []);
        _tags = [new TargetTag("url", "http://127.0.0.1:8080/colibri/stats")];
        _writer = new LineProtocolWriter();
        _writer.Clear();
        MapOutcome outcome = _mapper.Map(_json, _tags, Timestamp, _writer);
        if (!outcome.Written)
        {
            throw new InvalidOperationException($"colibri-stats-{Fixture}.json does not map to a line: {outcome.Status} {outcome.Detail}");
        }
    }

    [Benchmark]
    public MapStatus Map()
    {
        _writer.Clear();
        return _mapper.Map(_json, _tags, Timestamp, _writer).Status;
    }
}
