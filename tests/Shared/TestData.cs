namespace ExecdJvb.Tests;

/// <summary>Paths of the fixtures copied next to the test assembly.</summary>
internal static class TestData
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "testdata");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(PathOf(parts));

    public static IEnumerable<string> JvbFixtures() =>
        Directory.GetFiles(PathOf("jvb"), "*-stats-*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;
}
