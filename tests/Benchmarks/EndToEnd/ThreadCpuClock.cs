using System.Runtime.InteropServices;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>CPU time of the calling thread (user and system) in nanoseconds, from clock_gettime(CLOCK_THREAD_CPUTIME_ID).</summary>
internal static unsafe partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static long Nanoseconds()
    {
        // struct timespec on 64-bit Linux: tv_sec, tv_nsec, both 64-bit.
        long* time = stackalloc long[2];
        if (ClockGetTime(ClockThreadCpuTimeId, time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (time[0] * 1_000_000_000) + time[1];
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, long* time);
}
