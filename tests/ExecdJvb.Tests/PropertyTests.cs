using System.Text;
using CsCheck;
using static ExecdJvb.Tests.GeneratedLines;

namespace ExecdJvb.Tests;

/// <summary>
/// Generated JSON documents and generated points through JsonFlattener and LineProtocolWriter, judged by the
/// corpus-checked <see cref="LineProtocolDecoder"/> and by a model of Telegraf's json parser written without the
/// plugin's code (<see cref="GeneratedLines"/>).
/// </summary>
public sealed class PropertyTests
{
    [Fact]
    public void Mapping_any_JSON_object_never_throws_and_writes_one_line_that_decodes_to_the_json_parser_model()
    {
        int written = 0;
        Gen.Select(JsonDocumentText, Gen.Int[0, Configurations.Length - 1], Gen.Int[0, TargetTags.Length - 1])
            .Sample(
                (json, configuration, targets) =>
                {
                    if (AssertMapsToModel(json, Configurations[configuration], TargetTags[targets]))
                    {
                        Interlocked.Increment(ref written);
                    }
                },
                iter: 10_000);

        // Guards the generator: a good share of documents must hold numbers, or the property would prove little.
        Assert.True(written > 2_500, $"only {written} of 10000 generated documents gave a line");
    }

    [Fact]
    public void Streaming_a_document_writes_exactly_what_the_buffered_path_writes()
    {
        // Without tag_keys the mapper streams into the line; a tag_keys pattern that matches no generated name
        // forces the buffered path with the same expected output, so the two can be compared byte for byte.
        string[][] stringFields = [[], ["b*", "*0"], ["*"]];
        Gen.Select(JsonDocumentText, Gen.Int[0, stringFields.Length - 1], Gen.Bool)
            .Sample(
                (json, fields, damaged) =>
                {
                    byte[] body = Encoding.UTF8.GetBytes(damaged && json.Length > 2 ? json[..(json.Length / 2)] : json);
                    GlobPattern[] strings = [.. stringFields[fields].Select(pattern => new GlobPattern(pattern))];
                    var streamed = new LineProtocolWriter();
                    var buffered = new LineProtocolWriter();
                    MapOutcome viaStream = new JsonFlattener("m", [], strings).Map(body, TargetTags[0], Timestamp, streamed);
                    MapOutcome viaBuffer = new JsonFlattener("m", [new GlobPattern("zz_no_generated_name")], strings).Map(body, TargetTags[0], Timestamp, buffered);
                    Assert.Equal(viaBuffer.Status, viaStream.Status);
                    Assert.Equal(viaBuffer.SkippedValues, viaStream.SkippedValues);
                    Assert.Equal(Encoding.UTF8.GetString(buffered.WrittenMemory.Span), Encoding.UTF8.GetString(streamed.WrittenMemory.Span));
                },
                iter: 10_000);
    }

    [Fact]
    public void Mapping_damaged_JSON_never_throws_and_writes_nothing_or_one_line()
    {
        Gen.Select(JsonDocumentText, Gen.Int[0, 1000], Gen.Byte, Gen.Int[0, 2])
            .Sample((json, where, b, damage) =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(json);
                int at = where * bytes.Length / 1000;
                bytes = damage switch
                {
                    0 => bytes[..at],
                    1 when at < bytes.Length => [.. bytes[..at], b, .. bytes[(at + 1)..]],
                    _ => [.. bytes[..at], b, .. bytes[at..]],
                };
                var writer = new LineProtocolWriter(64);
                var mapper = new JsonFlattener("jitsi_stats", [new GlobPattern("a*")], [new GlobPattern("b*")]);

                MapOutcome outcome = mapper.Map(bytes, TargetTags[0], Timestamp, writer);

                if (outcome.Written)
                {
                    Assert.Equal(1, writer.WrittenMemory.Span.Count((byte)'\n'));
                    Assert.Equal((byte)'\n', writer.WrittenMemory.Span[^1]);
                }
                else
                {
                    Assert.Equal(0, writer.WrittenMemory.Span.Length);
                    Assert.False(string.IsNullOrEmpty(outcome.Detail));
                }
            },
            iter: 2_000);
    }

    [Fact]
    public void Any_points_the_writer_accepts_decode_back_to_the_same_points()
    {
        Point.Array[1, 3].Sample(points =>
        {
            var writer = new LineProtocolWriter(64);
            var expected = new List<DecodedPoint>();
            foreach (var point in points)
            {
                if (Write(writer, point) is { } written)
                {
                    expected.Add(written);
                }
            }

            // Compared point by point: a string field may hold a newline, so counting newline bytes counts no lines.
            Assert.Equal(
                string.Concat(expected.Select(point => point + "\n")),
                string.Concat(LineProtocolDecoder.Decode(writer.WrittenMemory.Span).Select(point => point + "\n")));
        },
        iter: 5_000);
    }
}
