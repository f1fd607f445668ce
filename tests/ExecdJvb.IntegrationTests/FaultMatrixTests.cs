using System.Net;
using System.Text;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Every way a JVB answer can go wrong, against the published binary under the execd protocol: stdout
/// holds only lines a real InfluxDB 1.x accepts (or nothing), stderr only prefixed lines, and once the
/// fault is gone the next trigger writes lines again.
/// </summary>
public sealed class FaultMatrixTests(InfluxDbFixture influx) : IClassFixture<InfluxDbFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly byte[] Healthy = TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json");

    /// <summary>Fault name → the answer that makes it, and the start of the W! reason it must give (null: a line is written).</summary>
    private static readonly Dictionary<string, (Func<StubResponse> Answer, string? Warning)> Faults = new()
    {
        ["refused"] = (() => StubResponse.Json("{}"), "connection refused"),
        ["never answers"] = (() => StubResponse.Json(Healthy) with { Delay = TimeSpan.FromMinutes(5) }, "no complete answer within 1s (timeout)"),
        ["one byte a second"] = (() => StubResponse.Json(Healthy) with { BytesPerSecond = 1 }, "no complete answer within 1s (timeout)"),
        ["HTTP 404"] = (StubResponse.NotFound, "HTTP 404 Not Found: the JVB's colibri REST API is off"),
        ["HTTP 500"] = (() => new StubResponse(500, "Internal Server Error", "oops"u8.ToArray(), "text/plain"), "HTTP 500 Internal Server Error"),
        ["HTTP 503"] = (() => new StubResponse(503, "Service Unavailable", []), "HTTP 503 Service Unavailable"),
        ["HTML error page"] = (() => StubResponse.Json("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>") with { ContentType = "text/html" }, "the answer is not JSON: '<' is an invalid start of a value"),
        ["truncated JSON"] = (() => StubResponse.Json(Healthy[..(Healthy.Length / 2)]), "the answer is not JSON"),
        ["top level array"] = (() => StubResponse.Json("[{\"conferences\": 1}]"), "the answer is JSON but not a JSON object: the top level is an array"),
        ["top level number"] = (() => StubResponse.Json("42"), "the answer is JSON but not a JSON object: the top level is a number"),
        ["top level string"] = (() => StubResponse.Json("\"ok\""), "the answer is JSON but not a JSON object: the top level is a string"),
        ["nesting 10,000 deep"] = (() => StubResponse.Json("{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), "the answer is not JSON: The maximum configured depth of 64 has been exceeded"),
        ["100 MB body"] = (() => StubResponse.Json("{}") with { StreamedLength = 100L * 1024 * 1024 }, "the answer is larger than max_body_size (1048576 bytes)"),
        ["invalid UTF-8 in a key"] = (() => StubResponse.Json([.. "{\"a"u8, 0xFF, 0xFE, .. "\":1}"u8]), "the answer is not JSON"),
        ["not HTTP"] = (() => StubResponse.Json("{}") with { Raw = "SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray() }, "the answer is not HTTP"),
        ["empty object"] = (() => StubResponse.Json("{}"), "the answer has no numbers to write"),
        ["invalid UTF-8 in a dropped string"] = (() => StubResponse.Json([.. "{\"version\":\"\xff"u8, 0xFF, .. "\",\"conferences\":3}"u8]), null),
        ["keys with separators, quotes, backslashes, newlines and non-ASCII"] = (() => StubResponse.Json("""{"a b":1,"c,d":2,"e=f":3,"g\"h":4,"i\\j":5,"k\nl":6,"m\tn":7,"grüße 会議":8,"trailing\\":9,"":10}"""), null),
        ["numbers 1e400, -0 and 1e-320"] = (() => StubResponse.Json("""{"huge":1e400,"negative_zero":-0,"denormal":1e-320,"big_int":123456789012345678901234567890}"""), null),
        ["duplicate keys"] = (() => StubResponse.Json("""{"conferences":1,"participants":2,"conferences":3}"""), null),
    };

    private readonly InfluxDb _influx = influx.Influx;

    public static TheoryData<string> FaultNames() => [.. Faults.Keys];

    [Theory]
    [MemberData(nameof(FaultNames))]
    public async Task A_faulty_JVB_never_gets_a_bad_line_out_and_the_next_trigger_after_it_recovers(string fault)
    {
        (Func<StubResponse> answer, string? warning) = Faults[fault];
        await using var jvb = new JvbHttpServer(answer());
        if (fault == "refused")
        {
            await jvb.StopAsync();
        }

        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl, "--timeout", "1s"]);
        await plugin.TriggerAsync();
        if (warning is null)
        {
            Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        }
        else
        {
            string? line = await plugin.NextStderrLineAsync(Wait);
            Assert.StartsWith($"W! JVB {jvb.StatsUrl}: {warning}", line);
        }

        if (fault == "refused")
        {
            jvb.Restart();
        }

        jvb.Response = StubResponse.Json(Healthy);
        await plugin.TriggerAsync();
        string? recovered = await plugin.NextStdoutLineAsync(Wait);
        Assert.StartsWith($"jitsi_stats,url={jvb.StatsUrl} average_participant_stress=0.01,", recovered);
        if (warning is not null)
        {
            Assert.Equal($"I! JVB {jvb.StatsUrl} answers again", await plugin.NextStderrLineAsync(Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.All(plugin.StderrLines, line => Assert.Matches("^[WI]! ", line));
        Assert.Equal(warning is null ? 2 : 1, plugin.StdoutLines.Count);
        foreach (string line in plugin.StdoutLines)
        {
            (HttpStatusCode status, string body) = await _influx.WriteAsync(TelegrafHostTag.Add(line, "fault-matrix") + "\n");
            Assert.True(status == HttpStatusCode.NoContent, $"InfluxDB refused {line}: {body}");
        }

        if (fault == "100 MB body")
        {
            Assert.InRange(jvb.StreamedBytes, 0, 32L * 1024 * 1024);
        }
    }

    [Fact]
    public async Task Odd_keys_and_numbers_reach_InfluxDB_as_the_JVB_named_them()
    {
        await using var jvb = new JvbHttpServer(Faults["keys with separators, quotes, backslashes, newlines and non-ASCII"].Answer());
        await using ExecdProcess plugin = ExecdProcess.Start(["--once", "--urls", jvb.StatsUrl]);
        Assert.Equal(0, await plugin.WaitForExitAsync(Wait));
        string line = Assert.Single(plugin.StdoutLines);
        string host = "odd-keys-" + Guid.NewGuid().ToString("N")[..6];
        (HttpStatusCode status, string body) = await _influx.WriteAsync(TelegrafHostTag.Add(line, host) + "\n");
        Assert.True(status == HttpStatusCode.NoContent, body);

        var row = InfluxDb.Rows(await _influx.QueryAsync($"SELECT * FROM \"jitsi_stats\" WHERE \"host\" = '{host}'"));
        var columns = (await _influx.QueryAsync($"SELECT * FROM \"jitsi_stats\" WHERE \"host\" = '{host}'"))
            .GetProperty("series")[0].GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        double ValueOf(string field) => InfluxDb.Number(Assert.Single(row)[columns.IndexOf(field)]);

        Assert.Equal(1, ValueOf("a b"));
        Assert.Equal(2, ValueOf("c,d"));
        Assert.Equal(3, ValueOf("e=f"));
        Assert.Equal(4, ValueOf("g\"h"));
        Assert.Equal(5, ValueOf("i\\j"));
        Assert.Equal(6, ValueOf("k\\nl"));
        Assert.Equal(8, ValueOf("grüße 会議"));
        Assert.Equal(9, ValueOf("trailing"));
        Assert.DoesNotContain(columns, c => c.Length == 0);
        Assert.True(Encoding.UTF8.GetByteCount(line) > 0);
    }
}
