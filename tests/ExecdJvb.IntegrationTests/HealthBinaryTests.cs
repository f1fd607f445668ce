namespace ExecdJvb.Tests.Integration;

/// <summary>/about/health through the published binary under the execd protocol: 200, 503, and a JVB that refuses connections.</summary>
public sealed class HealthBinaryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Healthy_unhealthy_and_unreachable_give_1_then_0_with_one_warning_then_no_line_and_each_change_is_said_once()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":2,"healthy":true}"""));
        jvb.Route("/about/health", new StubResponse(200, "OK", [], "application/json"));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);

        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} healthy=1,conferences=2", TrimTime(await plugin.NextStdoutLineAsync(Wait)));

        jvb.Route("/about/health", new StubResponse(503, "Service Unavailable", "Health check failed: no valid ICE address"u8.ToArray(), "text/plain"));
        for (int i = 0; i < 3; i++)
        {
            await plugin.TriggerAsync();
            Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} healthy=0,conferences=2", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        }

        Assert.Equal($"W! JVB {jvb.StatsUrl} is unhealthy: /about/health answers HTTP 503 Service Unavailable: Health check failed: no valid ICE address", await plugin.NextStderrLineAsync(Wait));

        // Refused: no stdout at all (no healthy field without an answer), and the stats failure is the one line said.
        await jvb.StopAsync();
        await plugin.TriggerAsync();
        Assert.Equal($"W! JVB {jvb.StatsUrl}: connection refused (is it running and listening on that port?)", await plugin.NextStderrLineAsync(Wait));
        await plugin.TriggerAsync();

        jvb.Route("/about/health", new StubResponse(200, "OK", [], "application/json"));
        jvb.Restart();
        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} healthy=1,conferences=2", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.Equal($"I! JVB {jvb.StatsUrl} is healthy again", await plugin.NextStderrLineAsync(Wait));
        Assert.Equal($"I! JVB {jvb.StatsUrl} answers again", await plugin.NextStderrLineAsync(Wait));

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);

        // The second refused gather writes nothing, so nothing tells when it is done: it may still be pending
        // when the JVB comes back, and then it gathers from the healthy JVB too (one more line, one more check).
        Assert.InRange(plugin.StdoutLines.Count, 5, 6);
        Assert.All(plugin.StdoutLines.Skip(4), line => Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} healthy=1,conferences=2", TrimTime(line)));
        Assert.Equal(4, plugin.StderrLines.Count);
        Assert.Equal(plugin.StdoutLines.Count, jvb.RequestsTo("/about/health"));
    }

    private static string TrimTime(string? line) => line is null ? "(no line)" : line[..line.LastIndexOf(' ')];
}
