namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The Native-AOT binary the tests drive, as Telegraf would run it: the one build.ps1 published
/// (PLUGIN_BINARY_UNDER_TEST), or else one published here once per test run from the current sources.
/// </summary>
internal static class PublishedBinary
{
    private static readonly Lazy<string> Path_ = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => Path_.Value;

    private static string Locate()
    {
        string? given = Environment.GetEnvironmentVariable("PLUGIN_BINARY_UNDER_TEST");
        if (!string.IsNullOrEmpty(given))
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"PLUGIN_BINARY_UNDER_TEST={given} does not exist");
        }

        string output = System.IO.Path.Combine(RepositoryPaths.Root, "artifacts", "test-publish");
        ProcessResult publish = ExecdProcess.Run("dotnet", ["publish", System.IO.Path.Combine(RepositoryPaths.Root, "plugin", "ExecdJvb.csproj"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"], TimeSpan.FromMinutes(10));
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{publish.Stdout}\n{publish.Stderr}");
        }

        return System.IO.Path.Combine(output, "execd-jvb");
    }
}
