using System.Text.Json;

namespace ExecdJvb.Tests;

/// <summary>
/// The jitsi_stats map names only metrics the JVB really registers: the registry was extracted by a program from the
/// JVB's source at the commit the map cites (tests/testdata/jvb-metrics/SOURCES.md), not read by the hand that wrote
/// the map.
/// </summary>
public sealed class JitsiStatsMetricMapRegistryTests
{
    private const string CitedCommit = "89dde6ea7114d792e1931545eb7028db24dd82f0";

    public static TheoryData<string> MapMetrics() =>
        [.. JitsiStatsMetricMap.InShimOrder.Select(field => field.Metric).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void The_registry_is_the_one_extracted_at_the_commit_the_map_cites()
    {
        using JsonDocument registry = Registry("registry-2.3.168.json");

        Assert.Equal(CitedCommit, registry.RootElement.GetProperty("commit").GetString());
        Assert.Contains(CitedCommit, File.ReadAllText(Path.Combine(RepositoryPaths.Root, "plugin", "Mapping", "Prometheus", "JitsiStatsMetricMap.cs")), StringComparison.Ordinal);
        Assert.True(registry.RootElement.GetProperty("entries").GetArrayLength() > 100);
    }

    [Theory]
    [MemberData(nameof(MapMetrics))]
    public void Every_metric_the_map_names_is_registered_at_the_cited_commit(string metric)
    {
        using JsonDocument registry = Registry("registry-2.3.168.json");

        Assert.Contains(metric, ExposedSamples(registry));
    }

    private static JsonDocument Registry(string file) => JsonDocument.Parse(TestData.Bytes("jvb-metrics", file));

    private static HashSet<string> ExposedSamples(JsonDocument registry) =>
        [.. registry.RootElement.GetProperty("entries").EnumerateArray()
            .Select(entry => entry.GetProperty("exposed_samples"))
            .Where(samples => samples.ValueKind == JsonValueKind.Array)
            .SelectMany(samples => samples.EnumerateArray())
            .Select(sample => sample.GetString()!)];
}
