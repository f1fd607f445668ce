using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// report_unreachable and self_measurement under the Telegraf-like harness, written to a real InfluxDB 1.x beside
/// jitsi_stats history, and the two alert rules of plugin/grafana/README.md run there as Grafana runs an alert query:
/// each fires for what it names and for nothing else.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class AlertRulesInfluxDbTests(DockerEngineFixture fixture, JitsiStatsFeed feed) : IClassFixture<JitsiStatsFeed>, IAsyncLifetime
{
    private const string Host = "alerts.example.org";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly string Silent = DockerJitsiMeet.ContainerName("jvb").Replace("-1", "-2", StringComparison.Ordinal);
    private readonly DockerEngine _docker = fixture.Engine;

    public Task InitializeAsync() => _docker.RemoveAllContainersAsync();

    public Task DisposeAsync() => _docker.RemoveAllContainersAsync();

    [Fact]
    public async Task An_unanswering_JVB_and_the_plugins_own_points_are_accepted_and_each_alert_rule_fires_for_what_it_names()
    {
        IReadOnlyList<FedJvb> fed = await feed.FedAsync(_docker);
        InfluxDb influx = feed.Influx;
        JsonElement historyBefore = await influx.QueryAsync("SELECT count(\"participants\") FROM \"jitsi_stats\" GROUP BY \"host\"");

        // One JVB that answers, one whose container runs with nothing listening.
        await DockerJitsiMeet.RunJvbAsync(_docker, FreePort.Next());
        await _docker.RunAsync(["--name", Silent, "--network", "host", "--label", $"execd-jvb.port={FreePort.Next()}", .. DockerJitsiMeet.ComposeLabels("jvb"), DockerEngine.GhcrJvbImage, "/bin/busybox", "sleep", "600"]);
        await using TelegrafExecd telegraf = TelegrafExecd.Start(["--endpoint", _docker.Endpoint, "--components", "jvb", "--report_unreachable", "true", "--self_measurement", "execd_jvb"], influx, Host);

        DateTimeOffset start = DateTimeOffset.UtcNow.AddSeconds(-1);
        int expected = 0;
        for (int i = 0; i < 2; i++)
        {
            await telegraf.IntervalAsync();
            expected += 3;
            Assert.True(await telegraf.WaitForPointsAsync(expected, Wait), $"gather {i + 1}: the JVB, the silent JVB's healthy=0 and the plugin's own point");
        }

        // The answering JVB goes: only the silent one is left.
        await Task.Delay(1100);
        DateTimeOffset alone = DateTimeOffset.UtcNow;
        await _docker.DockerAsync("rm", "-f", DockerJitsiMeet.Jvb);
        await telegraf.IntervalAsync();
        expected += 2;
        Assert.True(await telegraf.WaitForPointsAsync(expected, Wait), "the silent JVB's healthy=0 and the plugin's own point");
        await telegraf.StopAsync();
        DateTimeOffset end = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Empty(telegraf.FailedWrites);
        Assert.Equal(expected, telegraf.PointsWritten);
        Assert.Empty(telegraf.Stderr('E'));
        Assert.Single(telegraf.Stderr('W'), line => line.StartsWith($"W! JVB {Silent}: connection refused", StringComparison.Ordinal));

        // Every field of the plugin's own measurement is a float, and the history is as it was.
        JsonElement fieldTypes = await influx.QueryAsync("SHOW FIELD KEYS FROM \"execd_jvb\"");
        Assert.All(InfluxDb.Rows(fieldTypes), row => Assert.Equal("float", row[1].GetString()));
        Assert.Contains("docker_answered", InfluxDb.Rows(fieldTypes).Select(row => row[0].GetString()));
        JsonElement historyAfter = await influx.QueryAsync($"SELECT count(\"participants\") FROM \"jitsi_stats\" WHERE \"host\" != '{Host}' GROUP BY \"host\"");
        Assert.Equal(historyBefore.GetProperty("series").EnumerateArray().Count(series => series.GetProperty("tags").GetProperty("host").GetString() != Host), historyAfter.GetProperty("series").GetArrayLength());
        Assert.Equal(fed.Select(jvb => jvb.Host).Distinct().Count(), historyAfter.GetProperty("series").GetArrayLength());

        (string unhealthy, string noneAnswering) = Rules();

        // A JVB unhealthy: the silent one is below 1, the answering one is not, nor is any JVB of the history.
        Dictionary<string, double> healthyByJvb = await AlertQuery.ValueBySeriesAsync(influx, unhealthy, start, end);
        Assert.Equal(0.0, healthyByJvb[$"{Host}/{Silent}/"]);
        Assert.Equal(1.0, healthyByJvb[$"{Host}/{DockerJitsiMeet.Jvb}/"]);
        Assert.Equal([$"{Host}/{Silent}/"], healthyByJvb.Where(pair => pair.Value < 1).Select(pair => pair.Key));

        // No JVB answering: below 1 for this host once only the silent JVB is left, not while the other answered;
        // hosts that write no execd_jvb points give no data, never an alert.
        Dictionary<string, double> whileBoth = await AlertQuery.ValueBySeriesAsync(influx, noneAnswering, start, alone);
        Dictionary<string, double> afterwards = await AlertQuery.ValueBySeriesAsync(influx, noneAnswering, alone, end);
        Assert.Equal(new Dictionary<string, double> { [Host] = 1.0 }, whileBoth);
        Assert.Equal(new Dictionary<string, double> { [Host] = 0.0 }, afterwards);
    }

    /// <summary>The first two alert queries of the dashboard's README (plugin/grafana/README.md), those on JVBs, in its order.</summary>
    private static (string Unhealthy, string NoneAnswering) Rules()
    {
        IReadOnlyList<string> queries = AlertQuery.Rules();
        return (queries[0], queries[1]);
    }
}
