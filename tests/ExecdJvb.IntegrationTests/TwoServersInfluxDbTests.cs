using System.Globalization;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Two docker-jitsi-meet servers, each with its own Telegraf-like agent, dockerd and plugin, writing into one InfluxDB
/// (<see cref="TwoServerFeed"/>): for every measurement the plugins write, each server's series stay its own and
/// every point its plugin printed is in the database under its host, with the values printed, none lost or
/// overwritten by the other server's.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class TwoServersInfluxDbTests(DockerEngineFixture docker, TwoServerFeed feed) : IClassFixture<TwoServerFeed>
{
    private static readonly string[] Measurements =
        ["execd_jvb", "jicofo_bridge", "jicofo_jibri", "jicofo_jigasi", "jicofo_stats", "jigasi_stats", "jitsi_stats"];

    [Fact]
    public async Task No_point_a_plugin_prints_carries_a_host_tag_of_its_own()
    {
        AssertNoHostTagOfTheirOwn(await feed.FedAsync(docker.Engine));
    }

    [Fact]
    public async Task Every_measurement_has_one_set_of_series_per_server_each_holding_exactly_the_points_its_plugin_printed()
    {
        await AssertEachServersSeriesApartAsync(feed.Influx, await feed.FedAsync(docker.Engine), Measurements, ["prosody_"]);
    }

    /// <summary>No point either plugin printed has a host tag, so the agent's names the server on every point written; Prosody's domain is kept as xmpp_host.</summary>
    internal static void AssertNoHostTagOfTheirOwn(IReadOnlyList<TwoServerFeed.Server> servers)
    {
        Assert.All(servers, server =>
        {
            IReadOnlyList<DecodedPoint> printed = Decode(server.Printed);
            Assert.NotEmpty(printed);
            string[] withHost = [.. printed.Where(point => point.Tags.Any(tag => tag.Key == "host")).Select(point => point.ToString())];
            Assert.True(withHost.Length == 0, $"{server.Host}: {withHost.Length} printed points carry a host tag, e.g. {withHost.FirstOrDefault()}");

            // So the agent's host tag names the server on every point written.
            Assert.All(Decode(server.Written), point => Assert.Contains(new DecodedTag("host", server.Host), point.Tags));
        });

        // Prosody's domain is kept, under its own name.
        Assert.All(servers, server => Assert.Contains(Decode(server.Printed), point =>
            point.Measurement == "prosody_mod_c2s__connections" && point.Tags.Contains(new DecodedTag("xmpp_host", "meet.jitsi"))));
    }

    /// <summary>
    /// The plugins printed each of <paramref name="measurements"/>, some measurement of each of <paramref name="families"/>
    /// (name prefixes) and nothing else, both servers the same ones; in the database each server has the series its
    /// lines give and exactly the points its plugin printed, with their values.
    /// </summary>
    internal static async Task AssertEachServersSeriesApartAsync(InfluxDb influx, IReadOnlyList<TwoServerFeed.Server> servers, IReadOnlyList<string> measurements, IReadOnlyList<string> families)
    {
        string[] printedMeasurements = [.. servers.SelectMany(server => Decode(server.Printed)).Select(point => point.Measurement).Distinct().Order(StringComparer.Ordinal)];

        // Every measurement the plugin writes, from both servers.
        Assert.Superset(new HashSet<string>(measurements), new HashSet<string>(printedMeasurements));
        Assert.All(families, family => Assert.Contains(printedMeasurements, name => name.StartsWith(family, StringComparison.Ordinal)));
        Assert.All(printedMeasurements, name => Assert.True(measurements.Contains(name) || families.Any(family => name.StartsWith(family, StringComparison.Ordinal)), $"{name} is not a measurement expected here"));
        Assert.All(servers, server => Assert.Equal(printedMeasurements, Decode(server.Printed).Select(point => point.Measurement).Distinct().Order(StringComparer.Ordinal)));
        Assert.Equal(printedMeasurements, InfluxDb.Rows(await influx.QueryAsync("SHOW MEASUREMENTS")).Select(row => row[0].GetString()!).Order(StringComparer.Ordinal));

        var problems = new List<string>();
        foreach (string measurement in printedMeasurements)
        {
            // SHOW SERIES: every series key names one server, and each server's keys are those of its own lines.
            string[] keys = [.. InfluxDb.Rows(await influx.QueryAsync($"SHOW SERIES FROM \"{measurement}\"")).Select(row => row[0].GetString()!)];
            foreach (TwoServerFeed.Server server in servers)
            {
                string[] expectedKeys = [.. Decode(server.Written).Where(point => point.Measurement == measurement).Select(SeriesKey).Distinct().Order(StringComparer.Ordinal)];
                string[] storedKeys = [.. keys.Where(key => key.Contains($",host={server.Host},", StringComparison.Ordinal) || key.EndsWith($",host={server.Host}", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
                Expect(problems, $"{measurement}: {server.Host} has the series [{string.Join(" ", storedKeys)}], its lines give [{string.Join(" ", expectedKeys)}]", storedKeys.SequenceEqual(expectedKeys));
            }

            Expect(problems, $"{measurement}: {keys.Length} series, of which {keys.Length - servers.Sum(server => keys.Count(key => key.Contains($",host={server.Host}", StringComparison.Ordinal)))} name neither server",
                keys.All(key => servers.Count(server => key.Contains($",host={server.Host}", StringComparison.Ordinal)) == 1));

            // Points: per server, exactly the points printed, with their tags, time and values.
            foreach (TwoServerFeed.Server server in servers)
            {
                string[] expected = [.. Decode(server.Written).Where(point => point.Measurement == measurement).Select(Describe).Order(StringComparer.Ordinal)];
                string[] stored = [.. (await StoredAsync(influx, measurement, server.Host)).Order(StringComparer.Ordinal)];
                Expect(problems, $"{measurement}: {server.Host} printed {expected.Length} points, the database holds {stored.Length} under its host", stored.Length == expected.Length);
                string[] missing = [.. expected.Except(stored, StringComparer.Ordinal)];
                Expect(problems, $"{measurement}: {server.Host} printed points the database does not hold as printed, e.g. {missing.FirstOrDefault()}", missing.Length == 0);
            }

            Assert.All(servers, server => Assert.Equal(TwoServerFeed.Gathers, Decode(server.Printed).Where(point => point.Measurement == measurement).Select(point => point.Time).Distinct().Count()));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task The_two_servers_print_different_numbers_so_that_a_merge_would_show()
    {
        IReadOnlyList<TwoServerFeed.Server> servers = await feed.FedAsync(docker.Engine);

        // The JVBs (two colibri eras), the Jicofos (health checks on and off) and their views of the fleet differ.
        foreach (string measurement in new[] { "jitsi_stats", "jicofo_stats", "jicofo_bridge" })
        {
            string[][] byServer = [.. servers.Select(server => Decode(server.Printed).Where(point => point.Measurement == measurement)
                .Select(point => (point with { Time = 0 }).ToString()).Distinct().Order(StringComparer.Ordinal).ToArray())];
            Assert.NotEqual(byServer[0], byServer[1]);
        }
    }

    [Fact]
    public async Task A_bridge_both_shards_report_keeps_each_Jicofos_own_endpoints_under_that_Jicofos_host_and_container()
    {
        await feed.FedAsync(docker.Engine);
        InfluxDb influx = feed.Influx;

        // Figures read in the two payloads by hand: jvb-eu-1a holds 9 endpoints of shard A's Jicofo and 5 of shard B's;
        // jvb-eu-2b 4 and 2, and only shard A's Jicofo holds it non-operational; jvb-eu-3c only shard B's sees.
        JsonElement result = await influx.QueryAsync("SELECT last(\"endpoints\"), last(\"operational\") FROM \"jicofo_bridge\" GROUP BY \"host\", \"container_name\", \"jvb\"");
        Dictionary<string, (double Endpoints, double Operational)> byReporter = result.GetProperty("series").EnumerateArray().ToDictionary(
            series => $"{series.GetProperty("tags").GetProperty("host").GetString()}/{series.GetProperty("tags").GetProperty("container_name").GetString()}/{series.GetProperty("tags").GetProperty("jvb").GetString()}",
            series => (InfluxDb.Number(series.GetProperty("values")[0][1]), InfluxDb.Number(series.GetProperty("values")[0][2])),
            StringComparer.Ordinal);

        string a = $"{TwoServerFeed.ShardA}/{DockerJitsiMeet.Jicofo}/", b = $"{TwoServerFeed.ShardB}/{DockerJitsiMeet.Jicofo}/";
        Assert.Equal(
            new Dictionary<string, (double, double)>
            {
                [a + "7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6"] = (0, 1),
                [a + "jvb-eu-1a"] = (9, 1),
                [a + "jvb-eu-2b"] = (4, 0),
                [b + "jvb-eu-1a"] = (5, 1),
                [b + "jvb-eu-2b"] = (2, 1),
                [b + "jvb-eu-3c"] = (6, 1),
            },
            byReporter);
    }

    /// <summary>A series key as SHOW SERIES writes it: the measurement, then the tags sorted by key, escaped as in line protocol.</summary>
    private static string SeriesKey(DecodedPoint point) =>
        string.Join(',', [Escape(point.Measurement, ", "), .. point.Tags.OrderBy(tag => tag.Key, StringComparer.Ordinal).Select(tag => $"{Escape(tag.Key, ",= ")}={Escape(tag.Value, ",= ")}")]);

    private static string Escape(string text, string special) =>
        string.Concat(text.Select(c => special.Contains(c, StringComparison.Ordinal) ? $"\\{c}" : c.ToString()));

    /// <summary>A point as text both the printed line and the database give: its tags, time and non-null fields, sorted.</summary>
    private static string Describe(DecodedPoint point) =>
        Describe(point.Tags.Select(tag => (tag.Key, tag.Value)), point.Time, point.Fields.Select(field => (field.Key, Value(field.Value))));

    private static string Describe(IEnumerable<(string Key, string Value)> tags, long time, IEnumerable<(string Key, string Value)> fields) =>
        string.Join(' ', tags.Where(tag => tag.Value.Length > 0).OrderBy(tag => tag.Key, StringComparer.Ordinal).Select(tag => $"{tag.Key}={tag.Value}"))
        + $" @{time} "
        + string.Join(' ', fields.OrderBy(field => field.Key, StringComparer.Ordinal).Select(field => $"{field.Key}={field.Value}"));

    private static string Value(object value) => value switch
    {
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        long integer => ((double)integer).ToString("R", CultureInfo.InvariantCulture),
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        _ => value.ToString()!,
    };

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.ToString(),
    };

    /// <summary>Every point of the measurement stored under the host, as <see cref="Describe(DecodedPoint)"/> writes it.</summary>
    private static async Task<IReadOnlyList<string>> StoredAsync(InfluxDb influx, string measurement, string host)
    {
        JsonElement result = await influx.QueryAsync($"SELECT * FROM \"{measurement}\" WHERE \"host\" = '{host}' GROUP BY *");
        var stored = new List<string>();
        if (!result.TryGetProperty("series", out JsonElement all))
        {
            return stored;
        }

        foreach (JsonElement series in all.EnumerateArray())
        {
            (string, string)[] tags = [.. series.GetProperty("tags").EnumerateObject().Select(tag => (tag.Name, tag.Value.GetString() ?? ""))];
            string[] columns = [.. series.GetProperty("columns").EnumerateArray().Select(column => column.GetString()!)];
            foreach (JsonElement row in series.GetProperty("values").EnumerateArray())
            {
                JsonElement[] cells = [.. row.EnumerateArray()];
                IEnumerable<(string, string)> fields = columns.Select((column, i) => (column, cells[i]))
                    .Skip(1)
                    .Where(cell => cell.Item2.ValueKind != JsonValueKind.Null)
                    .Select(cell => (cell.column, Value(cell.Item2)));
                stored.Add(Describe(tags, cells[0].GetInt64(), fields));
            }
        }

        return stored;
    }

    private static IReadOnlyList<DecodedPoint> Decode(IEnumerable<string> lines) => LineProtocolDecoder.DecodeLines(lines);

    private static void Expect(List<string> problems, string problem, bool holds)
    {
        if (!holds)
        {
            problems.Add(problem);
        }
    }
}
