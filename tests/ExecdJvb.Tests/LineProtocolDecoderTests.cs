using System.Text;
using System.Text.Json;

namespace ExecdJvb.Tests;

/// <summary>
/// The test decoder against every decode vector of the InfluxData line-protocol corpus, so that what the
/// property tests conclude from it is what a conforming decoder would conclude.
/// </summary>
public sealed class LineProtocolDecoderTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(LoadCases);

    public static TheoryData<string> DecodeCases() => [.. Cases.Value.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void The_corpus_holds_all_6615_decode_vectors()
    {
        Assert.Equal(6615, Cases.Value.Count);
    }

    [Theory]
    [MemberData(nameof(DecodeCases))]
    public void Each_decode_vector_of_the_corpus_gives_the_expected_points_or_an_error(string key)
    {
        JsonElement input = Cases.Value[key].GetProperty("input");
        JsonElement output = Cases.Value[key].GetProperty("output");
        JsonElement text = input.GetProperty("text");
        byte[] bytes = text.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(text.GetString()!)
            : Convert.FromBase64String(text.GetProperty("binary").GetString()!);

        bool decoded = LineProtocolDecoder.TryDecode(
            bytes,
            input.GetProperty("defaultTime").GetInt64(),
            NanosecondsPer(input.GetProperty("precision").GetString()!),
            out IReadOnlyList<DecodedPoint> points,
            out string? error);

        if (output.TryGetProperty("error", out JsonElement expectedError))
        {
            Assert.False(decoded, $"the corpus expects \"{expectedError.GetString()}\", the decoder gave {Describe(points)}");
            return;
        }

        Assert.True(decoded, $"the corpus expects points, the decoder said: {error}");
        Assert.Equal(
            Describe([.. output.GetProperty("result").EnumerateArray().Select(ExpectedPoint)]),
            Describe([.. points.Select(WithSortedTags).Select(WithoutNegativeZero)]));
    }

    [Fact]
    public void A_float_is_compared_by_its_bits_so_negative_zero_stays_distinct()
    {
        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode("m a=-0,b=0 1"));

        Assert.True(double.IsNegative((double)point.Fields[0].Value));
        Assert.NotEqual(point.ToString(), (point with { Fields = [new("a", 0.0), point.Fields[1]] }).ToString());
    }

    [Fact]
    public void Go_float_syntax_is_read_as_strconv_ParseFloat_reads_it()
    {
        DecodedPoint point = Assert.Single(LineProtocolDecoder.Decode("m a=0x1.8p1,b=1_000.5,c=.5e1,d=1.,e=0x1p-1074,f=1e-400 1"));

        Assert.Equal([3.0, 1000.5, 5.0, 1.0, double.Epsilon, 0.0], point.Fields.Select(field => (double)field.Value));
        Assert.Throws<FormatException>(() => LineProtocolDecoder.Decode("m a=1__0 1"));
        Assert.Throws<FormatException>(() => LineProtocolDecoder.Decode("m a=0x1 1"));
        Assert.Throws<FormatException>(() => LineProtocolDecoder.Decode("m a=1e400 1"));
        Assert.Throws<FormatException>(() => LineProtocolDecoder.Decode("m a=-Inf 1"));
    }

    private static Dictionary<string, JsonElement> LoadCases()
    {
        using JsonDocument corpus = JsonDocument.Parse(File.ReadAllBytes(TestData.PathOf("line-protocol", "corpus.json")));
        return corpus.RootElement.GetProperty("decode").EnumerateObject().ToDictionary(item => item.Name, item => item.Value.Clone());
    }

    private static long NanosecondsPer(string precision) => precision switch
    {
        "1ns" => 1,
        "1µs" => 1_000,
        "1ms" => 1_000_000,
        "1s" => 1_000_000_000,
        _ => throw new InvalidOperationException($"precision {precision} is not in the corpus schema"),
    };

    /// <summary>The corpus lists tags sorted by key bytes, as InfluxDB keys a series.</summary>
    private static DecodedPoint WithSortedTags(DecodedPoint point)
    {
        List<DecodedTag> tags = [.. point.Tags];
        tags.Sort((a, b) => Encoding.UTF8.GetBytes(a.Key).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b.Key)));
        return point with { Tags = tags };
    }

    /// <summary>The corpus's JSON writes a negative zero float as 0 ("u e=-0." expects 0), so its sign cannot be compared.</summary>
    private static DecodedPoint WithoutNegativeZero(DecodedPoint point) =>
        point with { Fields = [.. point.Fields.Select(field => field.Value is 0.0 ? field with { Value = 0.0 } : field)] };

    private static DecodedPoint ExpectedPoint(JsonElement point) => new(
        point.GetProperty("name").GetString()!,
        [.. point.GetProperty("tags").EnumerateArray().Select(tag => new DecodedTag(tag.GetProperty("key").GetString()!, tag.GetProperty("value").GetString()!))],
        [.. point.GetProperty("fields").EnumerateArray().Select(ExpectedField)],
        point.GetProperty("time").GetInt64());

    private static DecodedField ExpectedField(JsonElement field)
    {
        JsonProperty value = field.GetProperty("value").EnumerateObject().Single();
        object typed = value.Name switch
        {
            "float" => value.Value.GetDouble(),
            "int" => value.Value.GetInt64(),
            "uint" => value.Value.GetUInt64(),
            "string" => value.Value.GetString()!,
            "bool" => value.Value.GetBoolean(),
            _ => throw new InvalidOperationException($"field type {value.Name} is not in the corpus schema"),
        };
        return new DecodedField(field.GetProperty("key").GetString()!, typed);
    }

    private static string Describe(IEnumerable<DecodedPoint> points) => string.Concat(points.Select(point => point + "\n"));
}
