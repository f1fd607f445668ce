namespace ExecdJvb.Tests.Integration;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ExecdJvb.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"ExecdJvb.sln not found above {AppContext.BaseDirectory}");
    }
}
