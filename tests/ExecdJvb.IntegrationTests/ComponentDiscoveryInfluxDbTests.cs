using System.Globalization;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// What the published binary writes for a docker-jitsi-meet-like deployment (JVB, Jicofo, Jigasi), then for its Jicofo
/// with the REST API off and with /metrics only, sent by the Telegraf-like harness to a real InfluxDB 1.x that already
/// holds jitsi_stats history.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ComponentDiscoveryInfluxDbTests(DockerEngineFixture fixture, JitsiStatsFeed feed) : IClassFixture<JitsiStatsFeed>, IAsyncLifetime
{
    private const string Host = "components.example.org";
    private const int Gathers = 2;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly DockerEngine _docker = fixture.Engine;

    public Task InitializeAsync() => _docker.RemoveAllContainersAsync();

    public Task DisposeAsync() => _docker.RemoveAllContainersAsync();

    [Fact]
    public async Task Every_line_of_each_deployment_is_accepted_beside_jitsi_stats_history_and_reads_back()
    {
        // The history first: feeding it clears the dockerd.
        IReadOnlyList<FedJvb> fed = await feed.FedAsync(_docker);
        InfluxDb influx = feed.Influx;
        Dictionary<string, double> historyBefore = await JvbPointsByHostAsync(influx);
        Assert.Equal(fed.Select(jvb => jvb.Host).Distinct().Order(StringComparer.Ordinal), historyBefore.Keys.Order(StringComparer.Ordinal));

        await DockerJitsiMeet.RunJvbAsync(_docker, FreePort.Next());
        await DockerJitsiMeet.RunJigasiAsync(_docker, FreePort.Next());
        await DockerJitsiMeet.RunJicofoAsync(_docker, FreePort.Next());
        int metricsPoints = 1 + MetricsLineCount();
        await using TelegrafExecd telegraf = TelegrafExecd.Start(["--endpoint", _docker.Endpoint], influx, Host);

        // The whole deployment: JVB, Jicofo and Jigasi.
        int expected = await GatherAsync(telegraf, 0, 3 + DockerJitsiMeet.JicofoFleetPointCount(), "JVB, Jicofo and Jigasi");

        // Jicofo with its REST API off: JVB and Jigasi only.
        await _docker.DockerAsync("rm", "-f", DockerJitsiMeet.Jicofo);
        await DockerJitsiMeet.RunJicofoWithoutRestAsync(_docker, FreePort.Next());
        expected = await GatherAsync(telegraf, expected, 2, "Jicofo without REST");

        // Jicofo with /metrics only: its health point and the prometheus schema's points besides.
        await _docker.DockerAsync("rm", "-f", DockerJitsiMeet.Jicofo);
        await DockerJitsiMeet.RunJicofoAsync(_docker, FreePort.Next(), DockerEngine.MetricsOnlyJicofoSite);
        expected = await GatherAsync(telegraf, expected, 2 + metricsPoints, "Jicofo with /metrics only");

        await telegraf.StopAsync();
        Assert.Empty(telegraf.FailedWrites);
        Assert.Equal(expected, telegraf.PointsWritten);
        Assert.Empty(telegraf.UnprefixedStderr);
        Assert.Empty(telegraf.Stderr('E'));
        Assert.Equal([$"W! Jicofo {DockerJitsiMeet.Jicofo}: connection refused (is it running and listening on that port?): Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)"], telegraf.Stderr('W'));
        Assert.False(telegraf.ExitedWhileRunning);

        // The history is as it was, and this host's JVB points lie beside it.
        Dictionary<string, double> historyAfter = await JvbPointsByHostAsync(influx);
        Assert.Equal(3 * Gathers, historyAfter[Host]);
        historyAfter.Remove(Host);
        Assert.Equal(historyBefore, historyAfter);

        // One jicofo_stats field per /stats gather, as the payload has it, and one prometheus-schema sample.
        using JsonDocument stats = JsonDocument.Parse(TestData.Bytes("jicofo", "stats-stable-jitsi-meet_11146.json"));
        double conferences = stats.RootElement.GetProperty("conferences").GetDouble();
        IReadOnlyList<JsonElement[]> rows = InfluxDb.Rows(await influx.QueryAsync(
            $"SELECT \"conferences\" FROM \"jicofo_stats\" WHERE \"host\" = '{Host}' AND \"container_name\" = '{DockerJitsiMeet.Jicofo}' AND \"version\" = '{DockerJitsiMeet.VersionOf("jicofo")}'"));
        Assert.Equal(Enumerable.Repeat(conferences, Gathers), rows.Select(row => InfluxDb.Number(row[1])));
        IReadOnlyList<JsonElement[]> healthy = InfluxDb.Rows(await influx.QueryAsync(
            $"SELECT \"healthy\" FROM \"jicofo_stats\" WHERE \"host\" = '{Host}'"));
        Assert.Equal(Enumerable.Repeat(1.0, 2 * Gathers), healthy.Select(row => InfluxDb.Number(row[1])));
        IReadOnlyList<JsonElement[]> jibris = InfluxDb.Rows(await influx.QueryAsync(
            $"SELECT \"gauge\" FROM \"jitsi_jicofo_jibri_instances\" WHERE \"host\" = '{Host}' AND \"container_name\" = '{DockerJitsiMeet.Jicofo}'"));
        Assert.Equal(Enumerable.Repeat(MetricsSample("jitsi_jicofo_jibri_instances"), Gathers), jibris.Select(row => InfluxDb.Number(row[1])));
    }

    /// <summary>Runs the gathers for one state of the deployment; returns how many points should be in InfluxDB after them.</summary>
    private static async Task<int> GatherAsync(TelegrafExecd telegraf, int before, int perGather, string state)
    {
        int expected = before;
        for (int i = 0; i < Gathers; i++)
        {
            await telegraf.IntervalAsync();
            expected += perGather;
            Assert.True(await telegraf.WaitForPointsAsync(expected, Wait), $"{state}: gather {i + 1} did not write {perGather} point(s)");
            Assert.Empty(telegraf.FailedWrites);
        }

        // Nothing more arrives late.
        await Task.Delay(200);
        Assert.Equal(expected, telegraf.PointsWritten + telegraf.FailedWrites.Count);
        return expected;
    }

    private static async Task<Dictionary<string, double>> JvbPointsByHostAsync(InfluxDb influx)
    {
        JsonElement result = await influx.QueryAsync("SELECT count(\"participants\") FROM \"jitsi_stats\" GROUP BY \"host\"");
        return result.GetProperty("series").EnumerateArray().ToDictionary(
            series => series.GetProperty("tags").GetProperty("host").GetString()!,
            series => InfluxDb.Number(series.GetProperty("values")[0][1]));
    }

    /// <summary>How many points Telegraf's inputs.prometheus gives for Jicofo's /metrics payload (its golden has one a line).</summary>
    private static int MetricsLineCount() => File.ReadAllLines(TestData.PathOf("jicofo", "metrics-stable-jitsi-meet_11146.prometheus.out")).Length;

    /// <summary>The value of an unlabelled sample in Jicofo's /metrics payload.</summary>
    private static double MetricsSample(string name)
    {
        string line = File.ReadLines(TestData.PathOf("jicofo", "metrics-stable-jitsi-meet_11146.txt")).Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
