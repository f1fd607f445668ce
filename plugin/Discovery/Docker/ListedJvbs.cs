namespace ExecdJvb.Discovery.Docker;

/// <summary>A Docker list answer as received, and the JVB containers found in it.</summary>
internal sealed record ListedJvbs(byte[] Answer, IReadOnlyList<DiscoveredContainer> Jvbs);
