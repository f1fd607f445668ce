using System.Globalization;

namespace ExecdJvb.Tests.Integration;

/// <summary>What Linux's /proc tells of a running process: resident memory and open file descriptors.</summary>
internal static class ProcFs
{
    public static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    public static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
}
