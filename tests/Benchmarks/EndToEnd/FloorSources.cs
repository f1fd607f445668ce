using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The comparisons the benchmark ships as sources (floor/ next to this file, copied beside the assembly): the C
/// floor, compiled here with gcc -O2, the Python scraper, run by the system's python3, and the Go scraper, built
/// here by the system's go from its one file.
/// </summary>
internal static class FloorSources
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "floor");

    public static string Scraper => Path.Combine(Folder, "scraper.py");

    /// <summary>Compiles floor.c into <paramref name="outDir"/>/floor and returns its path.</summary>
    public static string CompileC(string outDir)
    {
        string output = Path.GetFullPath(Path.Combine(outDir, "floor"));
        try
        {
            ProcessResult gcc = ExecdProcess.Run("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", output, Path.Combine(Folder, "floor.c")], TimeSpan.FromMinutes(2));
            return gcc.ExitCode == 0 ? output : throw new InvalidOperationException($"gcc could not compile the C floor:\n{gcc.Stderr}{gcc.Stdout}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("gcc is not installed; the C floor needs it (apt-get install gcc)");
        }
    }

    /// <summary>
    /// Builds scraper.go into <paramref name="outDir"/>/goscraper and returns its path. Offline and self-contained: no
    /// module mode, no proxy, no toolchain download, the build cache and GOPATH inside <paramref name="outDir"/>, so
    /// nothing is fetched and nothing is written to the user's home.
    /// </summary>
    public static string CompileGo(string outDir)
    {
        string output = Path.GetFullPath(Path.Combine(outDir, "goscraper"));
        string work = Path.GetFullPath(Path.Combine(outDir, "go"));
        var environment = new Dictionary<string, string>
        {
            ["GOCACHE"] = Path.Combine(work, "cache"),
            ["GOPATH"] = Path.Combine(work, "path"),
            ["GOENV"] = "off",
            ["GOFLAGS"] = "",
            ["GO111MODULE"] = "off",
            ["GOPROXY"] = "off",
            ["GOTOOLCHAIN"] = "local",
            ["CGO_ENABLED"] = "0",
        };
        try
        {
            ProcessResult go = ExecdProcess.Run("go", ["build", "-o", output, Path.Combine(Folder, "scraper.go")], TimeSpan.FromMinutes(5), environment);
            return go.ExitCode == 0 ? output : throw new InvalidOperationException($"go could not build the Go scraper:\n{go.Stderr}{go.Stdout}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("go is not installed; the Go scraper needs it (apt-get install golang-go)");
        }
    }

    /// <summary>The system's python3 (Debian's, when there), not a version manager's shim that would add to its start.</summary>
    public static string Python()
    {
        foreach (string candidate in new[] { "/usr/bin/python3", "/usr/local/bin/python3" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return MachineInfo.Run("python3", "-c", "import sys; print(sys.executable)")
            ?? throw new InvalidOperationException("python3 is not installed; the Python comparison needs it (apt-get install python3)");
    }
}
