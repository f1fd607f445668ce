using System.Text.Json;

namespace ExecdJvb.Tests;

/// <summary>
/// The jitsi_stats map against what programs extracted from the JVB's source at each commit it cites
/// (tests/testdata/jvb-metrics/SOURCES.md): the registry (every metric the JVB registers, under the name it exposes) and
/// the shim (which metric VideobridgeStatisticsShim.kt reads for each /colibri/stats key). Neither was read by the hand
/// that wrote the map.
/// </summary>
public sealed class JitsiStatsMetricMapRegistryTests
{
    private static readonly (string Era, string Commit)[] Commits =
    [
        ("2.3.168", "89dde6ea7114d792e1931545eb7028db24dd82f0"),
        ("stable-jitsi-meet_11146", "4bb0aead1420ad9832c7e5ee09602e5de6eee951"),
        ("master", "a29d97d13fbfb54afc676a526485ce87df4f7a64"),
    ];

    public static TheoryData<string> Eras() => [.. Commits.Select(c => c.Era)];

    public static TheoryData<string, string> MapEntries()
    {
        var entries = new TheoryData<string, string>();
        foreach (JitsiStatsField field in JitsiStatsMetricMap.InShimOrder)
        {
            entries.Add(field.Metric, field.Field);
        }

        return entries;
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void The_registry_and_the_shim_of_each_era_are_those_of_a_commit_the_map_cites(string era)
    {
        string commit = Commits.Single(c => c.Era == era).Commit;
        using JsonDocument registry = Document($"registry-{era}.json");
        using JsonDocument shim = Document($"shim-{era}.json");

        Assert.Equal(commit, registry.RootElement.GetProperty("commit").GetString());
        Assert.Equal(commit, shim.RootElement.GetProperty("commit").GetString());
        Assert.Contains(commit, File.ReadAllText(Path.Combine(RepositoryPaths.Root, "plugin", "Jitsi", "JitsiStatsMetricMap.cs")), StringComparison.Ordinal);
        Assert.True(registry.RootElement.GetProperty("entries").GetArrayLength() > 100);
        Assert.True(ShimKeys(era).Count(k => k.Metric is not null) > 70);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Every_key_the_shim_of_each_era_fills_from_a_metric_is_mapped_from_that_metric_with_its_conversion(string era)
    {
        foreach ((string key, string? metric, string? conversion) in ShimKeys(era).Where(k => k.Metric is not null))
        {
            JitsiStatsField field = Assert.Single(JitsiStatsMetricMap.InShimOrder, f => f.Field == key);
            Assert.Equal(metric, field.Metric);
            Assert.Equal(conversion, Name(field.Conversion));
        }
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Every_key_the_shim_of_each_era_fills_from_something_else_is_listed_with_the_reason(string era)
    {
        string[] listed = [.. ColibriKeysWithoutMetric.All.Select(k => k.Field)];

        foreach ((string key, _, _) in ShimKeys(era).Where(k => k.Metric is null))
        {
            Assert.Contains(key, listed);
        }
    }

    [Fact]
    public void Every_key_listed_without_a_metric_is_one_some_shim_fills_from_something_else()
    {
        HashSet<string> withoutMetric = [.. Commits.SelectMany(c => ShimKeys(c.Era)).Where(k => k.Metric is null).Select(k => k.Key)];

        Assert.All(ColibriKeysWithoutMetric.All, k => Assert.Contains(k.Field, withoutMetric));
        Assert.All(ColibriKeysWithoutMetric.All, k => Assert.False(string.IsNullOrWhiteSpace(k.Reason)));
    }

    [Theory]
    [MemberData(nameof(MapEntries))]
    public void Every_entry_of_the_map_is_what_a_shim_computes_from_a_metric_the_JVB_registers(string metric, string field)
    {
        Assert.Contains(Commits, c => ShimKeys(c.Era).Contains((field, metric, Name(JitsiStatsMetricMap.InShimOrder.First(f => f.Field == field).Conversion))));
        Assert.Contains(Commits, c => RegisteredSamples(c.Era).Contains(metric));
    }

    private static string Name(MetricConversion conversion) => conversion switch
    {
        MetricConversion.Same => "same",
        MetricConversion.KilobitsTruncated => "kilobits_truncated",
        MetricConversion.Boolean => "boolean",
        _ => conversion.ToString(),
    };

    private static JsonDocument Document(string file) => JsonDocument.Parse(TestData.Bytes("jvb-metrics", file));

    private static List<(string Key, string? Metric, string? Conversion)> ShimKeys(string era)
    {
        using JsonDocument shim = Document($"shim-{era}.json");
        return
        [
            .. shim.RootElement.GetProperty("keys").EnumerateArray().Select(k => (
                k.GetProperty("key").GetString()!,
                k.GetProperty("metric").GetString(),
                k.GetProperty("conversion").GetString())),
        ];
    }

    private static HashSet<string> RegisteredSamples(string era)
    {
        using JsonDocument registry = Document($"registry-{era}.json");
        return
        [
            .. registry.RootElement.GetProperty("entries").EnumerateArray()
                .Select(entry => entry.GetProperty("exposed_samples"))
                .Where(samples => samples.ValueKind == JsonValueKind.Array)
                .SelectMany(samples => samples.EnumerateArray())
                .Select(sample => sample.GetString()!),
        ];
    }
}
