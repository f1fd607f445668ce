namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Tests that own the components' well-known ports on 127.0.0.1 (8080, 8888, 8788, 5280). They run alone: while they hold
/// those ports, any other test's plugin that looks on this host's loopback would find their stand-ins.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoopbackCollection
{
    public const string Name = "loopback";
}
