namespace ExecdJvb.Tests.Integration;

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "docker";
}
