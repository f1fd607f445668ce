namespace ExecdJvb.Tests.Integration;

/// <summary>Docker going away, refusing or missing: one E! line, no crash, nothing on stdout, then recovery.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerOutageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Dockerd_stopped_mid_run_gives_one_error_and_discovery_resumes_when_it_is_back()
    {
        await using DockerEngine docker = await DockerEngine.StartAsync();
        await docker.RunJvbAsync("jvb-before", FreePort.Next());
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", docker.Endpoint, "--address", "host", "--debug", "true"]);
        Assert.StartsWith("D! started", await plugin.NextStderrLineAsync(Wait));
        await plugin.TriggerAsync();
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        Assert.StartsWith("I! found JVB jvb-before at ", await plugin.NextStderrLineAsync(Wait));

        await docker.StopDaemonAsync();
        for (int i = 0; i < 5; i++)
        {
            await plugin.TriggerAsync();
            string? line = await plugin.NextStderrLineAsync(Wait);
            Assert.Equal(i == 0 ? "E! " : "D! ", line?[..3]);
            Assert.Contains($"Docker at {docker.Endpoint}", line);
        }

        Assert.Single(plugin.StdoutLines);

        await docker.StartDaemonAsync();
        await docker.RunJvbAsync("jvb-after", FreePort.Next(), "colibri-stats-2.1.508-idle");
        await plugin.TriggerAsync();
        Assert.StartsWith("jitsi_stats,container_name=jvb-after ", await plugin.NextStdoutLineAsync(Wait));
        Assert.Equal($"I! Docker at {docker.Endpoint} answers again", await plugin.NextStderrLineAsync(Wait));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);

        IReadOnlyList<string> stderr = plugin.StderrLines;
        Assert.Single(stderr, line => line.StartsWith("E! ", StringComparison.Ordinal));
        Assert.Contains("I! JVB jvb-before is gone", stderr);
        Assert.Contains(stderr, line => line.StartsWith("I! found JVB jvb-after at ", StringComparison.Ordinal));
        Assert.All(stderr, line => Assert.Matches("^[EWID]! ", line));
    }

    [Fact]
    public async Task A_missing_socket_is_one_error_line_that_says_what_to_check()
    {
        string socket = $"/tmp/ejd-missing-{Guid.NewGuid():N}/docker.sock";
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", "unix://" + socket, "--debug", "true"]);
        Assert.StartsWith("D! started", await plugin.NextStderrLineAsync(Wait));

        for (int i = 0; i < 10; i++)
        {
            await plugin.TriggerAsync();
            Assert.Equal(i == 0 ? "E! " : "D! ", (await plugin.NextStderrLineAsync(Wait))?[..3]);
            if (i == 0)
            {
                // Docker has never answered: this host's loopback alone says which components there are, here none.
                Assert.StartsWith("I! no Jitsi component found on this host's 127.0.0.1 (", await plugin.NextStderrLineAsync(Wait));
            }
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Empty(plugin.StdoutLines);
        Assert.Equal(
            $"E! cannot reach Docker at unix://{socket}: the socket does not exist (is Docker running? inside a container, mount /var/run/docker.sock)",
            Assert.Single(plugin.StderrLines, line => line.StartsWith("E! ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Permission_denied_on_the_socket_says_how_to_grant_access()
    {
        await using DockerEngine docker = await DockerEngine.StartAsync();

        // Run as nobody: root would pass the socket's permission check.
        await using ExecdProcess once = ExecdProcess.StartWith(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
            ["--once", "--endpoint", docker.Endpoint]);

        Assert.Equal(1, await once.WaitForExitAsync(Wait));
        Assert.Empty(once.StdoutLines);
        Assert.Equal(
            $"E! cannot read Docker at {docker.Endpoint}: permission denied; add the user Telegraf runs as to the docker group (usermod -aG docker telegraf, then restart Telegraf) or set endpoint to a read-only socket proxy",
            once.StderrLines[0]);
    }

    [Fact]
    public async Task A_tcp_endpoint_that_is_not_docker_is_one_clear_error()
    {
        await using var notDocker = new JvbHttpServer(StubResponse.NotFound());
        string endpoint = $"tcp://127.0.0.1:{notDocker.Port}";

        await using ExecdProcess once = ExecdProcess.Start(["--once", "--endpoint", endpoint]);

        Assert.Equal(1, await once.WaitForExitAsync(Wait));
        Assert.Empty(once.StdoutLines);
        Assert.StartsWith($"E! Docker at {endpoint} answered HTTP 404", once.StderrLines[0]);
    }
}
