namespace ExecdJvb.Tests.Integration;

/// <summary>One private dockerd shared by the tests of the "docker" collection, which run one at a time.</summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    private DockerEngine? _engine;

    internal DockerEngine Engine => _engine ?? throw new InvalidOperationException("the Docker engine did not start");

    public async Task InitializeAsync() => _engine = await DockerEngine.StartAsync();

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}
