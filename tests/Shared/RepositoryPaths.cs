using System.Runtime.CompilerServices;

namespace ExecdJvb.Tests.Integration;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        // Builds with --artifacts-path put the binaries outside the clone; the source path compiled in still points into it.
        foreach (string start in new[] { AppContext.BaseDirectory, SourceFolder() })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ExecdJvb.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException($"ExecdJvb.sln not found above {AppContext.BaseDirectory} or {SourceFolder()}");
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "/";
}
