using System.Runtime.InteropServices;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>Where, when and on what the figures were measured, for the report's header.</summary>
internal sealed record MachineInfo(
    string Cpu, int Cores, string Memory, string Kernel, string Os, string Dotnet, string Docker, string Gcc, string Python, string Go,
    string Plugin, string Commit, string Date, string Load)
{
    public static MachineInfo Collect(string binary, string dockerVersion, string python) => new(
        Cpu: FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores: Environment.ProcessorCount,
        Memory: FirstValue("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], out long kib) ? $"{kib / 1024.0 / 1024.0:0.0} GiB" : "?",
        Kernel: ReadOr("/proc/sys/kernel/osrelease", "?").Trim(),
        Os: File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "?"
            : "?",
        Dotnet: RuntimeInformation.FrameworkDescription,
        Docker: dockerVersion.Trim(),
        Gcc: Run("gcc", "-dumpfullversion") ?? "?",
        Python: Run(python, "--version") ?? "?",
        Go: Run("go", "version")?.Split(' ').ElementAtOrDefault(2) ?? "?",
        Plugin: Run(binary, "--version") ?? "?",
        Commit: CommitOf(Path.GetDirectoryName(binary)!),
        Date: DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
        Load: LoadAverage());

    /// <summary>The 1, 5 and 15 minute load averages: how busy the shared machine was.</summary>
    public static string LoadAverage() => string.Join(' ', ReadOr("/proc/loadavg", "? ? ?").Split(' ').Take(3));

    /// <summary>
    /// The commit (git rev-parse HEAD) of the working tree the binary was built in (it sits in its artifacts folder),
    /// and whether plugin/ differed from it: the binary is built from the working tree, not from the commit.
    /// </summary>
    private static string CommitOf(string folder)
    {
        if (Run("git", "-C", folder, "rev-parse", "HEAD") is not { } commit)
        {
            return "unknown (the binary is not inside a git working tree)";
        }

        string root = Run("git", "-C", folder, "rev-parse", "--show-toplevel") ?? folder;
        bool changed = Run("git", "-C", root, "status", "--porcelain", "--untracked-files=all", "--", "plugin") is { Length: > 0 };
        return commit + (changed ? " (plugin/ had uncommitted changes when the benchmark ran)" : "");
    }

    private static string? FirstValue(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(line => line.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;

    private static string ReadOr(string path, string fallback) => File.Exists(path) ? File.ReadAllText(path) : fallback;

    public static string? Run(string program, params string[] args)
    {
        try
        {
            ProcessResult result = ExecdProcess.Run(program, args, TimeSpan.FromSeconds(10));
            return result.ExitCode == 0 ? result.Stdout.Trim() : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
