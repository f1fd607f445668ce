using System.Globalization;
using System.Runtime.InteropServices;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>CPU time (user + system, all threads) a process has used so far, from /proc/&lt;pid&gt;/stat.</summary>
internal static partial class ProcessCpuTime
{
    private const int ScClockTicks = 2;

    private static readonly long TicksPerSecond = SysConf(ScClockTicks) is > 0 and var ticks ? ticks : 100;

    public static TimeSpan Of(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) may hold spaces and parentheses; fields are counted after its last ')'.
        // After it come field 3 (state) onwards, so utime (14) and stime (15) are the 12th and 13th.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / TicksPerSecond);
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
