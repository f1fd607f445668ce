namespace ExecdJvb.Benchmarks;

/// <summary>The JVB payloads copied from tests/testdata/jvb next to the benchmark assembly.</summary>
internal static class JvbFixtures
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "testdata", "jvb");

    private const string ColibriPrefix = "colibri-stats-";

    /// <summary>The colibri-stats-*.json fixtures by the part after the prefix ("2.3.168-stable-9779"), short enough for the summary table.</summary>
    public static IEnumerable<string> ColibriStats() =>
        Directory.GetFiles(Folder, ColibriPrefix + "*.json")
            .Select(path => Path.GetFileNameWithoutExtension(path)[ColibriPrefix.Length..])
            .Order(StringComparer.Ordinal);

    public static byte[] ColibriStatsBytes(string name) => File.ReadAllBytes(Path.Combine(Folder, $"{ColibriPrefix}{name}.json"));
}
