namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A private influxd holding a jitsi_stats database written the way a real setup writes it: the published
/// plugin, run by the Telegraf-like harness (which adds the host tag), reading JVB containers of both colibri
/// eras on the private dockerd, over several gathers, for three Telegraf hosts:
/// <list type="bullet">
/// <item>meet.example.org: Docker discovery, both JVBs;</item>
/// <item>meet2.example.org: Docker discovery limited by container_name_include to the 2024 one;</item>
/// <item>static.example.org: the 2021 JVB listed in urls, so its points carry url instead of container_name.</item>
/// </list>
/// The database is fed once, by the first test that asks; the containers are removed afterwards.
/// </summary>
public sealed class JitsiStatsFeed : IAsyncLifetime
{
    private const int Gathers = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _once = new(1, 1);
    private InfluxDb? _influx;
    private IReadOnlyList<FedJvb>? _fed;

    internal InfluxDb Influx => _influx ?? throw new InvalidOperationException("influxd did not start");

    public async Task InitializeAsync() => _influx = await InfluxDb.StartAsync();

    public async Task DisposeAsync()
    {
        _once.Dispose();
        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }

    /// <summary>The JVBs in the database, each written by <see cref="Gathers"/> gathers; feeds it on the first call.</summary>
    internal async Task<IReadOnlyList<FedJvb>> FedAsync(DockerEngine engine)
    {
        await _once.WaitAsync();
        try
        {
            return _fed ??= await FeedAsync(engine);
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task<IReadOnlyList<FedJvb>> FeedAsync(DockerEngine engine)
    {
        var before2024 = new FedJvb("meet.example.org", "jvb-2.1.508", ColibriEra.Before2024);
        var since2024 = new FedJvb("meet.example.org", "docker-jitsi-meet-jvb-1", ColibriEra.Since2024);
        var limited = since2024 with { Host = "meet2.example.org" };
        var listed = new FedJvb("static.example.org", "", ColibriEra.Before2024);

        await engine.RemoveAllContainersAsync();
        try
        {
            int oldPort = FreePort.Next();
            await engine.RunJvbAsync(before2024.ContainerName, oldPort, before2024.Era.Fixture);
            await engine.RunJvbAsync(since2024.ContainerName, FreePort.Next(), since2024.Era.Fixture, DockerEngine.JvbImage, "--label", "com.docker.compose.service=jvb");

            string[] discovery = ["--endpoint", engine.Endpoint, "--address", "host"];
            await GatherAsync(before2024.Host, discovery, 2);
            await GatherAsync(limited.Host, [.. discovery, "--container-name-include", limited.ContainerName], 1);
            await GatherAsync(listed.Host, ["--urls", $"http://127.0.0.1:{oldPort}/colibri/stats"], 1);
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }

        return [before2024, since2024, limited, listed];
    }

    private async Task GatherAsync(string host, string[] args, int jvbs)
    {
        await using TelegrafExecd telegraf = TelegrafExecd.Start(args, Influx, host);
        for (int i = 1; i <= Gathers; i++)
        {
            await telegraf.IntervalAsync();
            Assert.True(await telegraf.WaitForPointsAsync(i * jvbs, Wait), $"{host}: gather {i} did not write {jvbs} point(s)");
            await Task.Delay(10);
        }

        await telegraf.StopAsync();
        Assert.Empty(telegraf.FailedWrites);
        Assert.Empty(telegraf.UnprefixedStderr);
        Assert.Empty(telegraf.Stderr('E'));
        Assert.Empty(telegraf.Stderr('W'));
        Assert.False(telegraf.ExitedWhileRunning, $"{host}: the plugin exited while Telegraf was running it");
        Assert.Equal(Gathers * jvbs, telegraf.PointsWritten);
    }
}
