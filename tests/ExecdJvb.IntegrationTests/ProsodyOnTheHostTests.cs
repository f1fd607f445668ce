using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Debian's real Prosody on this host, no Docker: found on 127.0.0.1:5280 by the published binary run with no
/// configuration at all, as Telegraf's inputs.execd runs it, and written to a real InfluxDB 1.x that holds jitsi_stats
/// history. Prosody owns its well-known port here, so these tests run alone.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class ProsodyOnTheHostTests(JitsiStatsFeed feed) : IClassFixture<JitsiStatsFeed>
{
    private const string Host = "prosody.example.org";
    private const int Gathers = 2;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>No DOCKER_HOST: the default socket, which is absent on a host without Docker.</summary>
    private static readonly Dictionary<string, string> ZeroConfig = new() { ["DOCKER_HOST"] = string.Empty };

    [Fact]
    public async Task A_real_Prosody_on_the_host_is_found_with_zero_config_and_its_points_with_its_domains_as_xmpp_host_are_accepted_beside_jitsi_stats_history()
    {
        // The history first, written through a private dockerd that is gone before Prosody starts.
        await using (DockerEngine docker = await DockerEngine.StartAsync())
        {
            Assert.NotEmpty(await feed.FedAsync(docker));
        }

        InfluxDb influx = feed.Influx;
        Dictionary<string, double> historyBefore = await JvbPointsByHostAsync(influx);
        Assert.NotEmpty(historyBefore);

        await using HostProsody prosody = await HostProsody.StartAsync(openMetrics: true);
        await prosody.ConnectClientAsync();
        await using TelegrafExecd telegraf = TelegrafExecd.Start([], influx, Host, ZeroConfig);
        int written = 0;
        for (int i = 0; i < Gathers; i++)
        {
            await telegraf.IntervalAsync();
            int before = written;
            written = await SettledCountAsync(telegraf, before);
            Assert.True(written > before, $"gather {i + 1} wrote nothing");
            Assert.Empty(telegraf.FailedWrites);
        }

        await telegraf.StopAsync();
        Assert.Empty(telegraf.FailedWrites);
        Assert.Equal(written, telegraf.PointsWritten);
        Assert.Empty(telegraf.UnprefixedStderr);
        Assert.Empty(telegraf.Stderr('E'));
        Assert.Empty(telegraf.Stderr('W'));
        Assert.False(telegraf.ExitedWhileRunning);
        Assert.Contains($"I! found Prosody 127.0.0.1:{HostProsody.HttpPort} at {HostProsody.MetricsUri} (its /metrics carries prosody_* families)", telegraf.Stderr('I'));

        // Only Prosody's families, each point tagged with the URL it was read from and with Telegraf's host, the server;
        // Prosody's own host label, its XMPP domain, is xmpp_host.
        IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.DecodeLines(telegraf.WrittenLines);
        Assert.Equal(Gathers, points.Select(point => point.Time).Distinct().Count());
        Assert.All(points, point => Assert.StartsWith("prosody_", point.Measurement, StringComparison.Ordinal));
        Assert.All(points, point => Assert.Contains(new DecodedTag("url", HostProsody.MetricsUri.AbsoluteUri), point.Tags));
        Assert.All(points, point => Assert.Equal(Host, Assert.Single(point.Tags, tag => tag.Key == "host").Value));
        Assert.Contains(points, point => point.Measurement == "prosody_mod_c2s__connections" && point.Tags.Contains(new DecodedTag("xmpp_host", HostProsody.VirtualHost)));
        Assert.Contains(points, point => point.Measurement == "prosody_mod_muc__live_room" && point.Tags.Contains(new DecodedTag("xmpp_host", HostProsody.MucHost)));

        // Read back: the client's connection on the VirtualHost and its room on the MUC component, once per gather.
        string url = HostProsody.MetricsUri.AbsoluteUri;
        IReadOnlyList<JsonElement[]> connections = InfluxDb.Rows(await influx.QueryAsync(
            $"SELECT \"gauge\" FROM \"prosody_mod_c2s__connections\" WHERE \"host\" = '{Host}' AND \"xmpp_host\" = '{HostProsody.VirtualHost}' AND \"url\" = '{url}' AND \"type\" = 'c2s' AND \"ip_family\" = 'ipv4'"));
        Assert.Equal(Enumerable.Repeat(1.0, Gathers), connections.Select(row => InfluxDb.Number(row[1])));
        IReadOnlyList<JsonElement[]> rooms = InfluxDb.Rows(await influx.QueryAsync(
            $"SELECT \"gauge\" FROM \"prosody_mod_muc__live_room\" WHERE \"host\" = '{Host}' AND \"xmpp_host\" = '{HostProsody.MucHost}' AND \"url\" = '{url}'"));
        Assert.Equal(Enumerable.Repeat(1.0, Gathers), rooms.Select(row => InfluxDb.Number(row[1])));

        // The history is as it was.
        Assert.Equal(historyBefore, await JvbPointsByHostAsync(influx));
    }

    [Fact]
    public async Task A_real_Prosody_without_its_metrics_module_is_not_counted_as_Prosody_on_the_loopback()
    {
        await using HostProsody prosody = await HostProsody.StartAsync(openMetrics: false);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            // Its HTTP server runs (bosh, websocket), and /metrics is mod_http's 404.
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(HostProsody.MetricsUri)).StatusCode);
        }

        await using ExecdProcess plugin = ExecdProcess.Start(["--debug", "true"], ZeroConfig);
        for (int i = 0; i < 5; i++)
        {
            await plugin.TriggerAsync();
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Empty(plugin.StdoutLines);
        Assert.DoesNotContain(plugin.StderrLines, line => line.StartsWith("W! ", StringComparison.Ordinal) || line.StartsWith("E! ", StringComparison.Ordinal));
        Assert.DoesNotContain(plugin.StderrLines, line => line.StartsWith("I! found Prosody", StringComparison.Ordinal));
        Assert.Single(plugin.StderrLines, line => line.StartsWith($"D! 127.0.0.1:{HostProsody.HttpPort} answers, but not as Prosody (/metrics answers HTTP 404", StringComparison.Ordinal));
    }

    /// <summary>Waits (bounded) until more than <paramref name="before"/> points arrived and no more came for half a second.</summary>
    private static async Task<int> SettledCountAsync(TelegrafExecd telegraf, int before)
    {
        var waited = Stopwatch.StartNew();
        int seen = before;
        var quiet = Stopwatch.StartNew();
        while (waited.Elapsed < Wait)
        {
            int now = telegraf.PointsWritten + telegraf.FailedWrites.Count;
            if (now != seen)
            {
                seen = now;
                quiet.Restart();
            }
            else if (seen > before && quiet.Elapsed > TimeSpan.FromMilliseconds(500))
            {
                return seen;
            }

            await Task.Delay(20);
        }

        return seen;
    }

    private static async Task<Dictionary<string, double>> JvbPointsByHostAsync(InfluxDb influx)
    {
        JsonElement result = await influx.QueryAsync("SELECT count(\"participants\") FROM \"jitsi_stats\" GROUP BY \"host\"");
        return result.GetProperty("series").EnumerateArray().ToDictionary(
            series => series.GetProperty("tags").GetProperty("host").GetString()!,
            series => InfluxDb.Number(series.GetProperty("values")[0][1]));
    }
}
