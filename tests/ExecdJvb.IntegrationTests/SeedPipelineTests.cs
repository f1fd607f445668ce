using System.Net;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The seed's own pipeline with real parts: a jitsi_stats database written by Telegraf's inputs.http +
/// json parser, then this plugin run as Telegraf's inputs.execd runs it, writing on top into InfluxDB 1.x,
/// read back with the seed's Grafana queries.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class SeedPipelineTests(DockerEngineFixture docker, InfluxDbFixture influx) : IClassFixture<InfluxDbFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly string[] JvbVersions =
    [
        "colibri-stats-2019-doc",
        "colibri-stats-2.1.508-active",
        "colibri-stats-2.1.508-idle",
        "colibri-stats-2.3.168-stable-9779",
        "colibri-stats-legacy-uninitialized",
    ];

    private readonly InfluxDb _influx = influx.Influx;

    [Fact]
    public async Task The_plugin_writes_on_top_of_the_seed_history_and_the_seed_dashboard_queries_return_the_JVB_numbers()
    {
        const string host = "meet-host-1";
        DateTimeOffset start = DateTimeOffset.UtcNow;
        await WriteSeedHistoryAsync(host, "colibri-stats-2.1.508-idle", start.AddMinutes(-30));

        await using var jvb = new JvbHttpServer(StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.1.508-active.json")));
        await using TelegrafExecd telegraf = TelegrafExecd.Start(["--urls", jvb.StatsUrl], _influx, host);
        for (int i = 1; i <= 3; i++)
        {
            await telegraf.IntervalAsync();
            Assert.True(await telegraf.WaitForPointsAsync(i, Wait), $"point {i} was not written");
            await Task.Delay(10);
        }

        await telegraf.StopAsync();
        AssertTelegrafWasContent(telegraf);
        Assert.Equal(3, telegraf.PointsWritten);

        // The seed's panels, variables substituted as Grafana does for InfluxQL.
        string timeFilter = $"time >= {(start.AddHours(-1) - DateTimeOffset.UnixEpoch).Ticks / 10_000}ms and time <= {(DateTimeOffset.UtcNow.AddMinutes(1) - DateTimeOffset.UnixEpoch).Ticks / 10_000}ms";
        foreach ((string field, double seed, double now) in new[] { ("conferences", 1.0, 1.0), ("participants", 0.0, 2.0) })
        {
            string query = $"SELECT last(\"{field}\") FROM \"jitsi_stats\" WHERE (\"host\" =~ /^{host}$/) AND {timeFilter} GROUP BY time(10s)";
            double[] values = [.. InfluxDb.Rows(await _influx.QueryAsync(query)).Where(row => row[1].ValueKind != JsonValueKind.Null).Select(row => InfluxDb.Number(row[1]))];

            Assert.Equal(seed, values[0]);
            Assert.Equal(now, values[^1]);
        }

        JsonElement count = await _influx.QueryAsync($"SELECT count(\"participants\") FROM \"jitsi_stats\" WHERE \"host\" = '{host}'");
        Assert.Equal(4.0, InfluxDb.Number(InfluxDb.Rows(count)[0][1]));
        JsonElement urls = await _influx.QueryAsync($"SHOW TAG VALUES FROM \"jitsi_stats\" WITH KEY = \"url\" WHERE \"host\" = '{host}'");
        Assert.Equal(2, InfluxDb.Rows(urls).Count);
    }

    [Fact]
    public async Task Every_JVB_version_lands_in_one_database_across_the_2024_type_change_without_a_conflict()
    {
        const string host = "meet-host-2";
        await WriteSeedHistoryAsync(host, "colibri-stats-2.1.508-active", DateTimeOffset.UtcNow.AddMinutes(-20));
        await using var jvb = new JvbHttpServer(StubResponse.Json("{}"));
        await using TelegrafExecd telegraf = TelegrafExecd.Start(["--urls", jvb.StatsUrl], _influx, host);

        for (int i = 0; i < JvbVersions.Length; i++)
        {
            jvb.Response = StubResponse.Json(TestData.Bytes("jvb", JvbVersions[i] + ".json"));
            await telegraf.IntervalAsync();
            Assert.True(await telegraf.WaitForPointsAsync(i + 1, Wait), $"{JvbVersions[i]} was not written");
            await Task.Delay(10);
        }

        await telegraf.StopAsync();
        AssertTelegrafWasContent(telegraf);
        Assert.Equal(JvbVersions.Length, telegraf.PointsWritten);

        JsonElement fieldKeys = await _influx.QueryAsync("SHOW FIELD KEYS FROM \"jitsi_stats\"");
        Assert.All(InfluxDb.Rows(fieldKeys), row => Assert.Equal("float", row[1].GetString()));
        JsonElement bitRates = await _influx.QueryAsync($"SELECT \"bit_rate_download\" FROM \"jitsi_stats\" WHERE \"host\" = '{host}'");
        Assert.Equal([1284.955, 0, 1284.955, 0, 0, 0], InfluxDb.Rows(bitRates).Select(row => InfluxDb.Number(row[1])));

        // What a writer that kept JVB 2.3's integers would get: the whole point refused.
        (HttpStatusCode status, string body) = await _influx.WriteAsync($"jitsi_stats,host={host} bit_rate_download=0i\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("field type conflict", body);
    }

    [Fact]
    public async Task The_whole_flow_through_Docker_discovery_lands_a_labelled_JVB_in_InfluxDB()
    {
        const string host = "meet-host-3";
        DockerEngine engine = docker.Engine;
        await engine.RemoveAllContainersAsync();
        try
        {
            await engine.RunJvbAsync("docker-jitsi-meet-jvb-1", FreePort.Next(), "colibri-stats-2.1.508-active", DockerEngine.OtherImage, "--label", "com.docker.compose.service=jvb");
            await using TelegrafExecd telegraf = TelegrafExecd.Start(["--endpoint", engine.Endpoint, "--address", "host"], _influx, host);
            for (int i = 1; i <= 2; i++)
            {
                await telegraf.IntervalAsync();
                Assert.True(await telegraf.WaitForPointsAsync(i, Wait), $"point {i} was not written");
                await Task.Delay(10);
            }

            await telegraf.StopAsync();
            AssertTelegrafWasContent(telegraf);
            Assert.Single(telegraf.Stderr('I'), line => line.StartsWith("I! found JVB docker-jitsi-meet-jvb-1 at http://127.0.0.1:", StringComparison.Ordinal));

            JsonElement participants = await _influx.QueryAsync($"SELECT last(\"participants\") FROM \"jitsi_stats\" WHERE \"host\" = '{host}' GROUP BY \"container_name\"");
            JsonElement series = participants.GetProperty("series")[0];
            Assert.Equal("docker-jitsi-meet-jvb-1", series.GetProperty("tags").GetProperty("container_name").GetString());
            Assert.Equal(2.0, InfluxDb.Number(series.GetProperty("values")[0][1]));
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }
    }

    [Fact]
    public async Task A_stock_docker_jitsi_meet_JVB_read_from_metrics_then_from_colibri_lands_next_to_the_seed_history_with_healthy_and_version()
    {
        const string host = "meet-host-4";
        DockerEngine engine = docker.Engine;
        await engine.RemoveAllContainersAsync();
        try
        {
            await WriteSeedHistoryAsync(host, "colibri-stats-2.3.168-stable-9779", DateTimeOffset.UtcNow.AddMinutes(-30));
            string[] compose = ["--label", "com.docker.compose.service=jvb"];
            await engine.RunLoggingJvbAsync("docker-jitsi-meet-jvb-1", FreePort.Next(), DockerEngine.RestOffJvbSite, compose);
            await using TelegrafExecd telegraf = TelegrafExecd.Start(["--endpoint", engine.Endpoint, "--address", "host"], _influx, host);
            for (int i = 1; i <= 4; i++)
            {
                if (i == 3)
                {
                    // COLIBRI_REST_ENABLED=true and docker compose up: a new container, read on /colibri/stats.
                    await engine.DockerAsync("rm", "-f", "docker-jitsi-meet-jvb-1");
                    await engine.RunLoggingJvbAsync("docker-jitsi-meet-jvb-1", FreePort.Next(), DockerEngine.RestOnJvbSite, compose);
                }

                await telegraf.IntervalAsync();
                Assert.True(await telegraf.WaitForPointsAsync(i, Wait), $"point {i} was not written");
                await Task.Delay(10);
            }

            await telegraf.StopAsync();
            AssertTelegrafWasContent(telegraf);
            Assert.Equal(4, telegraf.PointsWritten);

            JsonElement fieldKeys = await _influx.QueryAsync("SHOW FIELD KEYS FROM \"jitsi_stats\"");
            Assert.Contains(InfluxDb.Rows(fieldKeys), row => row[0].GetString() == "healthy");
            Assert.All(InfluxDb.Rows(fieldKeys), row => Assert.Equal("float", row[1].GetString()));
            JsonElement rows = await _influx.QueryAsync($"SELECT \"healthy\", \"participants\", \"average_participant_stress\", \"version\" FROM \"jitsi_stats\" WHERE \"host\" = '{host}'");
            Assert.Equal(
                ["null 0 0.01 null", "1 0 null 2.3.168-g28674f78", "1 0 null 2.3.168-g28674f78", "1 0 0.01 2.3.168-g28674f78", "1 0 0.01 2.3.168-g28674f78"],
                InfluxDb.Rows(rows).Select(row => string.Join(' ', row.Skip(1).Select(value => value.ValueKind == JsonValueKind.Null ? "null" : value.ToString()))));
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }
    }

    /// <summary>
    /// The seed's history for one JVB: the fixture's golden line (derived from Telegraf's json parser rules,
    /// not from this plugin) with inputs.http's url tag and the host tag the agent adds.
    /// </summary>
    private async Task WriteSeedHistoryAsync(string host, string fixture, DateTimeOffset time)
    {
        string golden = File.ReadAllText(TestData.PathOf("golden", fixture + ".out")).TrimEnd('\n');
        string line = golden[..golden.LastIndexOf(' ')]
            .Replace("url=http://127.0.0.1:8080/colibri/stats", "url=http://172.18.0.5:8080/colibri/stats", StringComparison.Ordinal);
        (HttpStatusCode status, string body) = await _influx.WriteAsync(TelegrafHostTag.Add(line, host) + " " + InfluxDb.Epoch(time) + "\n");
        Assert.True(status == HttpStatusCode.NoContent, body);
    }

    private static void AssertTelegrafWasContent(TelegrafExecd telegraf)
    {
        telegraf.AssertQuiet("the seed pipeline");
        Assert.False(telegraf.NeededSigterm, "the plugin did not exit within 5 s of stdin closing");
    }
}
