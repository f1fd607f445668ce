namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The rows of the table, in the order, named for the sizes of this invocation.</summary>
internal sealed class FigureSet(EndToEndOptions options)
{
    private const string NoTarget = "(reported)";

    public Figure LatencyP50 { get; } = new("gather latency p50, 1 JVB (stdin `\\n` → last line)", "≤ 1.25 × floor", "µs", 0) { AtMost = 1.25, TargetOnRatio = true };

    public Figure LatencyP99 { get; } = new("gather latency p99, 1 JVB", NoTarget, "µs", 0);

    public Figure ScaleP50 { get; } = new($"one gather, {options.Containers} JVB containers, p50 wall", "≤ 50 ms", "ms", 1) { AtMost = 50 };

    public Figure ScaleP99 { get; } = new($"one gather, {options.Containers} JVB containers, p99 wall", NoTarget, "ms", 1);

    public Figure DockerCalls { get; } = new($"Docker API calls per steady-state gather, {options.Containers} JVBs", "≤ 2", "", 2) { AtMost = 2 };

    public Figure Start { get; } = new("start → first batch written (AOT)", "≤ 15 ms", "ms", 1) { AtMost = 15 };

    public Figure Rss { get; } = new($"RSS after {options.Gathers:N0} gathers", "≤ 20 MiB", "MiB", 1) { AtMost = 20 };

    public Figure RssGrowth { get; } = new($"RSS growth after warm-up ({options.Warmup:N0} → {options.Gathers:N0} gathers)", "≤ 1 MiB", "MiB", 2) { AtMost = 1 };

    public Figure Cpu { get; } = new("CPU (user+sys) per gather, 1 JVB", "≤ 0.5 ms", "ms", 3) { AtMost = 0.5 };

    public Figure BinarySize { get; } = new("binary size (linux-x64, AOT)", "≤ 10 MiB", "MiB", 1) { AtMost = 10 };

    public Figure JitStart { get; } = new("start → first batch written (JIT build)", NoTarget, "ms", 1);

    public Figure StartRatio { get; } = new("AOT vs JIT: start (JIT ÷ AOT)", "≥ 5×", "×", 1) { AtLeast = 5 };

    public Figure AotRssAtWarmup { get; } = new($"RSS after {options.Warmup:N0} gathers (AOT)", NoTarget, "MiB", 1);

    public Figure JitRss { get; } = new($"RSS after {options.Warmup:N0} gathers (JIT build)", NoTarget, "MiB", 1);

    public Figure RssRatio { get; } = new("AOT vs JIT: RSS (JIT ÷ AOT)", "≥ 2×", "×", 1) { AtLeast = 2 };

    public IReadOnlyList<Figure> All =>
    [
        LatencyP50, LatencyP99, ScaleP50, ScaleP99, DockerCalls, Start, Rss, RssGrowth, Cpu, BinarySize,
        JitStart, StartRatio, AotRssAtWarmup, JitRss, RssRatio,
    ];
}
