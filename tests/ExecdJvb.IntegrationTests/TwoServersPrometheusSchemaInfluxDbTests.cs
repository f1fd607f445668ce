namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The two servers of <see cref="TwoServersInfluxDbTests"/> with the Prometheus-schema measurements
/// (<see cref="PrometheusTwoServerFeed"/>: each JVB read from /metrics with metrics_schema = "prometheus", each Jicofo
/// serving /metrics only): jitsi_jvb_* and jitsi_jicofo_* keep each server's series apart as the others do, and the
/// dashboard's server variable lists a server by them.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class TwoServersPrometheusSchemaInfluxDbTests(DockerEngineFixture docker, PrometheusTwoServerFeed feed) : IClassFixture<PrometheusTwoServerFeed>
{
    private static readonly string[] Measurements = ["execd_jvb", "jicofo_stats", "jigasi_stats", "jitsi_stats"];

    [Fact]
    public async Task No_point_a_plugin_prints_carries_a_host_tag_of_its_own()
    {
        TwoServersInfluxDbTests.AssertNoHostTagOfTheirOwn(await feed.FedAsync(docker.Engine));
    }

    [Fact]
    public async Task Every_measurement_has_one_set_of_series_per_server_each_holding_exactly_the_points_its_plugin_printed()
    {
        await TwoServersInfluxDbTests.AssertEachServersSeriesApartAsync(feed.Influx, await feed.FedAsync(docker.Engine), Measurements, ["jitsi_jicofo_", "jitsi_jvb_", "prosody_"]);
    }

    [Fact]
    public async Task The_dashboards_server_variable_lists_each_server_and_names_every_measurement_the_plugins_printed()
    {
        IReadOnlyList<string> problems = await GrafanaTwoServerTests.ServerVariableProblemsAsync(feed.Influx, await feed.FedAsync(docker.Engine));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
