namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// CPU time (user + system, every thread) and context switches of one process over a window, as the primary
/// counter gave them (perf stat, or the schedstat sums when perf is unusable), with the schedstat sum beside
/// them as a cross-check.
/// </summary>
internal readonly record struct CpuSample(double Nanoseconds, double ContextSwitches, double SchedstatNanoseconds);
