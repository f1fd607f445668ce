using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using ExecdJvb.Tests.Integration;
using static ExecdJvb.Tests.GeneratedLines;

namespace ExecdJvb.Tests;

/// <summary>A sample of generated points and of JsonFlattener's lines for generated documents, written to a real InfluxDB 1.x and read back.</summary>
public sealed class GeneratedLinesInfluxDbTests(InfluxDbFixture influx) : IClassFixture<InfluxDbFixture>
{
    private readonly InfluxDb _influx = influx.Influx;

    [Fact]
    public async Task A_sample_of_generated_lines_is_accepted_by_InfluxDB_and_reads_back_the_same()
    {
        await Gen.Select(Point.Array[100], JsonDocumentText.Array[100]).SampleAsync(
            async (points, documents) =>
            {
                var lines = new List<string>();
                var writer = new LineProtocolWriter();
                for (int i = 0; i < points.Length; i++)
                {
                    // One measurement per point, so generated field types never conflict; one shard for all times.
                    // Tags with an odd run of backslashes before an escape stay out of this sample: they are valid
                    // line protocol (the corpus writes them so) and InfluxDB reads them, except that its line splitter
                    // pairs backslashes on its own and then loses track of a string field holding a line break.
                    writer.Clear();
                    var point = points[i] with
                    {
                        Measurement = $"{points[i].Measurement}_{i}",
                        Tags = [.. points[i].Tags.Where(tag => !SplitsWhenRead(tag.Key, ", =") && !SplitsWhenRead(tag.Value, ", ="))],
                        Time = Timestamp + i,
                    };
                    if (Write(writer, point) is not null)
                    {
                        lines.Add(Encoding.UTF8.GetString(writer.WrittenMemory.Span));
                    }
                }

                var mapper = new JsonFlattener("jitsi_stats", [new GlobPattern("a*")], []);
                for (int i = 0; i < documents.Length; i++)
                {
                    writer.Clear();
                    if (mapper.Map(Encoding.UTF8.GetBytes(documents[i]), TargetTags[0], Timestamp + i, writer).Written)
                    {
                        lines.Add(Encoding.UTF8.GetString(writer.WrittenMemory.Span));
                    }
                }

                Assert.True(lines.Count >= 100, $"only {lines.Count} of 200 generated points were writable");
                foreach (string line in lines)
                {
                    (HttpStatusCode status, string body) = await _influx.WriteAsync(line);
                    Assert.True(status == HttpStatusCode.NoContent, $"InfluxDB answered {(int)status} {body} to {DecodedPoint.Quote(line)}");
                }

                // Read back a generated point with a string field and a mapper point. Their tag and field keys must
                // differ (SELECT * renames a column that is both), the generated measurement must hold no backslash
                // (InfluxDB 1.x unescapes "\=" in measurement names, where the line protocol has no such escape, so it
                // stores "a\=b" as "a=b"), and no key may hold two backslashes in a row (InfluxDB 1.x stores a key's
                // "\\" as one backslash, where the line protocol and Telegraf's serializer escape none): the decoder
                // property covers such names.
                DecodedPoint[] decoded = [.. lines.Select(line => Assert.Single(LineProtocolDecoder.Decode(line)))];
                IEnumerable<string> Keys(DecodedPoint point) => point.Tags.Select(tag => tag.Key).Concat(point.Fields.Select(field => field.Key));
                bool Comparable(DecodedPoint point) =>
                    !point.Measurement.Contains('\\', StringComparison.Ordinal)
                    && !Keys(point).Any(key => key.Contains("\\\\", StringComparison.Ordinal))
                    && Keys(point).Distinct().Count() == point.Tags.Count + point.Fields.Count;
                await AssertStoredAsync(decoded.First(point => Comparable(point) && point.Fields.Any(field => field.Value is string) && point.Tags.Count > 0));
                await AssertStoredAsync(decoded.Last(point => Comparable(point) && point.Measurement == "jitsi_stats"));
            },
            iter: 1,
            threads: 1);
    }

    private async Task AssertStoredAsync(DecodedPoint point)
    {
        string measurement = "\"" + point.Measurement.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        string query = $"SELECT * FROM {measurement} WHERE time = {point.Time}";
        JsonElement result = await _influx.QueryAsync(query);
        Assert.True(result.TryGetProperty("series", out JsonElement found), $"InfluxDB answered nothing to {query} for {point}");
        JsonElement series = found[0];
        string[] columns = [.. series.GetProperty("columns").EnumerateArray().Select(column => column.GetString()!)];
        JsonElement[] row = Assert.Single(InfluxDb.Rows(result));
        JsonElement Column(string name)
        {
            int at = Array.IndexOf(columns, name);
            Assert.True(at >= 0, $"InfluxDB has no column {name} for {point}; it has {string.Join(", ", columns)}");
            return row[at];
        }

        Assert.Equal(point.Time, row[0].GetInt64());
        foreach (DecodedTag tag in point.Tags)
        {
            Assert.Equal(tag.Value, Column(tag.Key).GetString());
        }

        foreach (DecodedField field in point.Fields)
        {
            JsonElement stored = Column(field.Key);
            switch (field.Value)
            {
                case double number:
                    Assert.Equal(number, stored.GetDouble());
                    break;
                case bool flag:
                    Assert.Equal(flag, stored.GetBoolean());
                    break;
                default:
                    Assert.Equal((string)field.Value, stored.GetString());
                    break;
            }
        }
    }

}
