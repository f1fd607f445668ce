using System.Text;

namespace ExecdJvb.Tests;

/// <summary>
/// The float healthy field from /about/health heads the JVB's point, and whatever the stats answer has under that
/// name (colibri's boolean healthy of JVB 2.3, /metrics' jitsi_jvb_healthy) never competes with it.
/// </summary>
public sealed class HealthyFieldTests
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private static readonly TargetTag[] Tags = [new("container_name", "jvb-1"), new("version", "2.3.168-g28674f78")];
    private static readonly GlobPattern[] HealthyAndDrain = [new("healthy"), new("drain")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_healthy_field_comes_first_and_the_documents_own_healthy_is_left_out_even_under_json_string_fields(bool wholeDocument)
    {
        // tag_keys make the mapper read the whole document before writing; without them it streams.
        GlobPattern[] tagKeys = wholeDocument ? [new("region")] : [];
        var mapper = new JsonFlattener("jitsi_stats", tagKeys, HealthyAndDrain, ComponentReading.HealthyField);

        string line = Map(mapper, """{"conferences":1,"healthy":true,"drain":false,"region":"eu"}""", 1);

        string region = wholeDocument ? ",region=eu" : string.Empty;
        Assert.Equal($"jitsi_stats,container_name=jvb-1{region},version=2.3.168-g28674f78 healthy=1,conferences=1,drain=false {Timestamp}\n", line);
    }

    [Fact]
    public void Without_a_health_answer_the_point_has_no_healthy_field_and_still_none_from_the_document()
    {
        var mapper = new JsonFlattener("jitsi_stats", [], HealthyAndDrain, ComponentReading.HealthyField);

        string line = Map(mapper, """{"healthy":true,"conferences":2,"healthy":1}""", double.NaN);

        Assert.Equal($"jitsi_stats,container_name=jvb-1,version=2.3.168-g28674f78 conferences=2 {Timestamp}\n", line);
    }

    [Fact]
    public void An_unhealthy_JVB_is_a_zero()
    {
        var mapper = new JsonFlattener("jitsi_stats", [], [], ComponentReading.HealthyField);

        Assert.Contains(" healthy=0,conferences=3 ", Map(mapper, """{"conferences":3}""", 0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"healthy":true}""")]
    [InlineData("""{"healthy":1}""")]
    [InlineData("{}")]
    public void A_document_that_gives_nothing_but_healthy_is_no_stats_and_writes_nothing(string json)
    {
        var mapper = new JsonFlattener("jitsi_stats", [], HealthyAndDrain, ComponentReading.HealthyField);
        var writer = new LineProtocolWriter();

        MapOutcome outcome = mapper.Map(Encoding.UTF8.GetBytes(json), Tags, Timestamp, writer, 1);

        Assert.Equal(MapStatus.NoNumbers, outcome.Status);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void Without_a_leading_field_the_mapper_writes_a_numeric_healthy_as_the_json_parser_does()
    {
        var mapper = new JsonFlattener("jitsi_stats", [], []);

        Assert.Contains(" healthy=1,conferences=1 ", Map(mapper, """{"healthy":1,"conferences":1}""", double.NaN), StringComparison.Ordinal);
    }

    [Fact]
    public void From_metrics_jitsi_jvb_healthy_is_left_out_under_json_string_fields_and_the_health_answer_leads()
    {
        var mapper = new JitsiStatsShim("jitsi_stats", HealthyAndDrain, ComponentReading.HealthyField);
        var writer = new LineProtocolWriter();

        MapOutcome outcome = mapper.Map("jitsi_jvb_healthy 0.0\njitsi_jvb_drain_mode 1.0\njitsi_jvb_conferences 2.0\nhealthy 5\n"u8, Tags, Timestamp, writer, 1);

        Assert.Equal(MapStatus.Written, outcome.Status);
        Assert.Equal($"jitsi_stats,container_name=jvb-1,version=2.3.168-g28674f78 healthy=1,drain=true,conferences=2 {Timestamp}\n", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void From_metrics_an_answer_with_nothing_but_healthy_writes_nothing()
    {
        var mapper = new JitsiStatsShim("jitsi_stats", HealthyAndDrain, ComponentReading.HealthyField);
        var writer = new LineProtocolWriter();

        MapOutcome outcome = mapper.Map("jitsi_jvb_healthy 1.0\n"u8, Tags, Timestamp, writer, 1);

        Assert.Equal(MapStatus.NoNumbers, outcome.Status);
        Assert.Equal(0, writer.WrittenMemory.Span.Length);
    }

    [Fact]
    public void The_2_3_168_colibri_and_metrics_fixtures_give_one_healthy_float_each()
    {
        var colibri = new JsonFlattener("jitsi_stats", [], HealthyAndDrain, ComponentReading.HealthyField);
        var metrics = new JitsiStatsShim("jitsi_stats", HealthyAndDrain, ComponentReading.HealthyField);

        DecodedPoint fromColibri = Assert.Single(LineProtocolDecoder.Decode(Map(colibri, TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json"), 1)));
        var writer = new LineProtocolWriter();
        Assert.True(metrics.Map(TestData.Bytes("jvb-metrics", "metrics-2.3.168.txt"), Tags, Timestamp, writer, 1).Written);
        DecodedPoint fromMetrics = Assert.Single(LineProtocolDecoder.Decode(writer.WrittenMemory.Span));

        foreach (DecodedPoint point in new[] { fromColibri, fromMetrics })
        {
            DecodedField healthy = Assert.Single(point.Fields, f => f.Key == ComponentReading.HealthyField);
            Assert.Equal(1.0, healthy.Value);
            Assert.Equal(ComponentReading.HealthyField, point.Fields[0].Key);
        }
    }

    [Fact]
    public void Streaming_with_the_healthy_field_allocates_nothing_once_warmed_up()
    {
        byte[] body = TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json");
        var mapper = new JsonFlattener("jitsi_stats", [], [], ComponentReading.HealthyField);
        var writer = new LineProtocolWriter();
        for (int i = 0; i < 3; i++)
        {
            writer.Clear();
            Assert.True(mapper.Map(body, Tags, Timestamp, writer, 1).Written);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            writer.Clear();
            mapper.Map(body, Tags, Timestamp, writer, i % 2);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static string Map(JsonFlattener mapper, string json, double healthy) => Map(mapper, Encoding.UTF8.GetBytes(json), healthy);

    private static string Map(JsonFlattener mapper, byte[] json, double healthy)
    {
        var writer = new LineProtocolWriter();
        MapOutcome outcome = mapper.Map(json, Tags, Timestamp, writer, healthy);
        Assert.True(outcome.Written, outcome.Detail);
        return Encoding.UTF8.GetString(writer.WrittenMemory.Span);
    }
}
