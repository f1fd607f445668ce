using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>Where and on what the figures were measured, for the report's header.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Kernel, string Os, string Dotnet, string Docker, string Plugin, string Commit, string Load)
{
    public static MachineInfo Collect(string binary, string dockerVersion) => new(
        Cpu: FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores: Environment.ProcessorCount,
        Memory: FirstValue("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], out long kib) ? $"{kib / 1024.0 / 1024.0:0.0} GiB" : "?",
        Kernel: ReadOr("/proc/sys/kernel/osrelease", "?").Trim(),
        Os: File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "?"
            : "?",
        Dotnet: RuntimeInformation.FrameworkDescription,
        Docker: dockerVersion.Trim(),
        Plugin: Run(binary, "--version") ?? "?",
        Commit: CommitOf(Path.GetDirectoryName(binary)!),
        Load: LoadAverage());

    /// <summary>The 1, 5 and 15 minute load averages: how busy the shared machine was.</summary>
    public static string LoadAverage() => string.Join(' ', ReadOr("/proc/loadavg", "? ? ?").Split(' ').Take(3));

    /// <summary>The commit of the working tree the binary was built in (it sits in its artifacts folder), if any.</summary>
    private static string CommitOf(string folder) =>
        Run("git", "-C", folder, "rev-parse", "--short", "HEAD") is { } commit
            ? commit + (Run("git", "-C", folder, "status", "--porcelain", "--untracked-files=no") is { Length: > 0 } ? " (with uncommitted changes)" : "")
            : "unknown (the binary is not inside a git working tree)";

    private static string? FirstValue(string path, string key) =>
        File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(line => line.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;

    private static string ReadOr(string path, string fallback) => File.Exists(path) ? File.ReadAllText(path) : fallback;

    private static string? Run(string program, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(TimeSpan.FromSeconds(10)) && process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
