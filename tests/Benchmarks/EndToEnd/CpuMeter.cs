using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// Counts CPU time and context switches of several processes over one window: perf stat attached to each (when
/// perf works on this machine), and the schedstat sums read before and after in any case, as a cross-check, or as
/// the figure when perf is unusable. Attaching happens before the window, so perf's start costs nobody a thing.
/// </summary>
internal sealed class CpuMeter(bool usePerf, string scratch)
{
    public string Method => usePerf
        ? "perf stat -e task-clock,context-switches -p <pid>, enabled and disabled around each window through its control FIFO (schedstat sums read beside it as a cross-check)"
        : "sum over /proc/<pid>/task/* of schedstat's first field (ns on CPU) and of voluntary+nonvoluntary_ctxt_switches, read before and after each window (perf stat was unusable here)";

    /// <summary>
    /// Whether perf stat counts a process here: one window on a child that spins, against its schedstat sum over the
    /// same window (not against the wall clock: on a busy shared machine the child may get a fraction of a core).
    /// </summary>
    public static bool PerfWorks(string scratch, out string why)
    {
        try
        {
            using ExecdProcess spinner = ExecdProcess.StartProgram("sh", ["-c", "while :; do :; done"]);
            try
            {
                using PerfStat perf = PerfStat.Attach(spinner.ProcessId, scratch);
                // The child spins all along, so the schedstat reads sit inside perf's window: perf may take a while to
                // attach and acknowledge on a busy machine, and that time must not count for one and not the other.
                perf.Enable();
                long before = TaskStats.Of(spinner.ProcessId).Nanoseconds;
                Thread.Sleep(300);
                long schedstat = TaskStats.Of(spinner.ProcessId).Nanoseconds - before;
                perf.Disable();
                (double nanoseconds, _) = perf.Finish();
                why = schedstat > 0 && nanoseconds >= 0.5 * schedstat
                    ? ""
                    : $"perf counted {nanoseconds / 1e6:0.0} ms of a spinning process that ran {schedstat / 1e6:0.0} ms by schedstat";
            }
            finally
            {
                spinner.Kill();
            }

            return why.Length == 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            why = ex.Message;
            return false;
        }
    }

    /// <summary>Runs <paramref name="work"/> as the window; returns one sample per pid, in order.</summary>
    public CpuSample[] Measure(IReadOnlyList<int> pids, Action work)
    {
        var perfs = new List<PerfStat>();
        try
        {
            if (usePerf)
            {
                foreach (int pid in pids)
                {
                    perfs.Add(PerfStat.Attach(pid, scratch));
                }
            }

            var before = pids.Select(TaskStats.Of).ToArray();
            perfs.ForEach(perf => perf.Enable());
            work();
            perfs.ForEach(perf => perf.Disable());
            var after = pids.Select(TaskStats.Of).ToArray();
            var samples = new CpuSample[pids.Count];
            for (int i = 0; i < pids.Count; i++)
            {
                double schedstat = after[i].Nanoseconds - before[i].Nanoseconds;
                double switches = after[i].ContextSwitches - before[i].ContextSwitches;
                if (usePerf)
                {
                    (double nanoseconds, double counted) = perfs[i].Finish();
                    samples[i] = new CpuSample(nanoseconds, counted, schedstat);
                }
                else
                {
                    samples[i] = new CpuSample(schedstat, switches, schedstat);
                }
            }

            return samples;
        }
        finally
        {
            perfs.ForEach(perf => perf.Dispose());
        }
    }
}
