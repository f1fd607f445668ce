using System.Globalization;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// CPU time and context switches of a process summed over its threads, from /proc/&lt;pid&gt;/task/*: the first field
/// of schedstat (time on CPU, in nanoseconds, exact) and voluntary + nonvoluntary_ctxt_switches of status. A thread
/// that exits between two reads takes its share with it, which perf stat does not lose. (/proc/&lt;pid&gt;/stat's
/// utime and stime are clock ticks, sampled: for a process that works in short bursts they under-count several
/// times, so they are not used.)
/// </summary>
internal static class TaskStats
{
    public static (long Nanoseconds, long ContextSwitches) Of(int pid)
    {
        long nanoseconds = 0;
        long switches = 0;
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string schedstat = File.ReadAllText(Path.Combine(task, "schedstat"));
                nanoseconds += long.Parse(schedstat.AsSpan(0, schedstat.IndexOf(' ')), CultureInfo.InvariantCulture);
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        switches += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return (nanoseconds, switches);
    }
}
