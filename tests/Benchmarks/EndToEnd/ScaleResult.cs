namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>One run against many JVB containers.</summary>
/// <param name="GatherMilliseconds">Plugin gathers, stdin "\n" to the last of the batch's lines read.</param>
/// <param name="FloorMilliseconds">Floor gathers interleaved with them.</param>
/// <param name="CallsPerGather">Docker API requests per steady-state gather, counted at a recording proxy.</param>
internal sealed record ScaleResult(double[] GatherMilliseconds, double[] FloorMilliseconds, double CallsPerGather);
