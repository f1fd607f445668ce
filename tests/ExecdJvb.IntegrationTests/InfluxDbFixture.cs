namespace ExecdJvb.Tests.Integration;

/// <summary>One influxd for the tests of a class; each test writes under its own host tag.</summary>
public sealed class InfluxDbFixture : IAsyncLifetime
{
    private InfluxDb? _influx;

    internal InfluxDb Influx => _influx ?? throw new InvalidOperationException("influxd did not start");

    public async Task InitializeAsync() => _influx = await InfluxDb.StartAsync();

    public async Task DisposeAsync()
    {
        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }
}
