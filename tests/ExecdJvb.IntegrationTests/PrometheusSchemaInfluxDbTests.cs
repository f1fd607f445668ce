using System.Net;
using System.Text;
using System.Text.Json;
using ExecdJvb.Formats;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>The prometheus schema as a real InfluxDB 1.x stores it: bucket fields named "+Inf" and "1e+06", escaped label values.</summary>
public sealed class PrometheusSchemaInfluxDbTests(InfluxDbFixture influx) : IClassFixture<InfluxDbFixture>
{
    private const long Timestamp = 1_700_000_000_000_000_000;
    private static readonly TargetTag[] UrlTag = [new("url", "http://127.0.0.1:8080/metrics")];

    private readonly InfluxDb _influx = influx.Influx;

    [Fact]
    public async Task Every_line_of_the_JVB_fixture_and_of_the_golden_cases_is_accepted_and_reads_back()
    {
        var writer = new LineProtocolWriter();
        var mapper = new PrometheusSchemaMapper();
        mapper.Map(TestData.Bytes("jvb-metrics", "metrics-2.3.168.txt"), UrlTag, Timestamp, writer, LabelRenames.None);
        foreach (string folder in Directory.GetDirectories(TestData.PathOf("prometheus")).Order(StringComparer.Ordinal))
        {
            mapper.Map(File.ReadAllBytes(Path.Combine(folder, "input.txt")), UrlTag, Timestamp, writer, LabelRenames.None);
        }

        string lines = Encoding.UTF8.GetString(writer.WrittenMemory.Span);
        (HttpStatusCode status, string body) = await _influx.WriteAsync(lines);

        Assert.True(status == HttpStatusCode.NoContent, $"InfluxDB answered {(int)status} {body}");
        Assert.Equal(
            new Dictionary<string, double> { ["+Inf"] = 244, ["count"] = 244, ["sum"] = 19020 },
            await ReadAsync("jitsi_jvb_tossed_packets_energy", Timestamp, "+Inf", "count", "sum"));
        Assert.Equal(
            new Dictionary<string, double> { ["0.1"] = 1, ["1"] = 9, ["1e+06"] = 8, ["count"] = 3, ["sum"] = 0.5 },
            await ReadAsync("lat", 1_000_000_000, "0.1", "1", "1e+06", "count", "sum"));
        JsonElement escaped = await _influx.QueryAsync($"SELECT \"gauge\" FROM \"esc\" WHERE \"punct\" = 'a,b}}c=d e' AND \"quote\" = 'say \"hi\"' AND time = {Timestamp}");
        Assert.Equal(1.0, InfluxDb.Number(Assert.Single(InfluxDb.Rows(escaped))[1]));
    }

    private async Task<Dictionary<string, double>> ReadAsync(string measurement, long time, params string[] fields)
    {
        JsonElement result = await _influx.QueryAsync($"SELECT {string.Join(",", fields.Select(f => $"\"{f}\""))} FROM \"{measurement}\" WHERE time = {time}");
        JsonElement[] row = Assert.Single(InfluxDb.Rows(result));
        return fields.Select((field, i) => (field, InfluxDb.Number(row[i + 1]))).ToDictionary(pair => pair.field, pair => pair.Item2);
    }
}
