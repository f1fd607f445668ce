namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>One run against one JVB: latency beside the floor, then RSS and CPU over the whole process life.</summary>
/// <param name="LatencyMicroseconds">Plugin gathers, stdin "\n" to the batch's last line read.</param>
/// <param name="FloorMicroseconds">Floor gathers interleaved with them.</param>
/// <param name="CpuPerGather">Plugin user + system CPU per gather after warm-up.</param>
/// <param name="FloorCpuPerGather">The floor client's thread CPU per gather.</param>
/// <param name="WarmRssBytes">Plugin RSS after the warm-up gathers.</param>
/// <param name="FinalRssBytes">Plugin RSS after all gathers.</param>
internal sealed record SingleJvbResult(
    double[] LatencyMicroseconds,
    double[] FloorMicroseconds,
    TimeSpan CpuPerGather,
    TimeSpan FloorCpuPerGather,
    long WarmRssBytes,
    long FinalRssBytes);
