namespace ExecdJvb.Tests;

/// <summary>
/// The stdin for in-process App runs: no descriptor at all, so a run that reached the execd loop would stop at its
/// first read (reading stdin failed) instead of reading the test host's own stdin.
/// </summary>
internal static class NoStdin
{
    public static DescriptorInput Input { get; } = new(-1);
}
