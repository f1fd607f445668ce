namespace ExecdJvb.Tests.Integration;

/// <summary>
/// What the plugin asks of Docker, recorded by a proxy that refuses anything but reads; and Docker
/// answers that go wrong between or during those calls.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerApiAuditTests(DockerEngineFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly DockerEngine _docker = fixture.Engine;
    private DockerApiProxy? _proxy;

    private DockerApiProxy Proxy => _proxy!;

    public async Task InitializeAsync()
    {
        await _docker.RemoveAllContainersAsync();
        _proxy = new DockerApiProxy(Path.Combine(_docker.Folder, "proxy.sock"), _docker.SocketPath);
    }

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await _docker.RemoveAllContainersAsync();
    }

    [Fact]
    public async Task The_plugin_only_lists_and_inspects_and_inspects_a_container_once()
    {
        string listedByName = await _docker.RunJvbAsync("jvb-named", FreePort.Next(), image: DockerEngine.GhcrJvbImage);
        string listedById = await _docker.RunJvbAsync("jvb-retagged", FreePort.Next());
        await _docker.RetagJvbImageAsync();
        await _docker.RunJvbAsync("jvb-new-image", FreePort.Next());
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", Proxy.Endpoint, "--address", "host", "--debug", "true"]);

        for (int i = 0; i < 3; i++)
        {
            IReadOnlyList<string> batch = await plugin.GatherAsync(3, Wait);
            for (int line = 0; line < 3; line++)
            {
                string? point = batch[line];
                Assert.True(point?.StartsWith("jitsi_stats,container_name=jvb-", StringComparison.Ordinal), $"gather {i}, line {line}: {point}; stderr: {string.Join(" | ", plugin.StderrLines)}");
            }
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        IReadOnlyList<(string Method, string Target, bool Allowed)> calls = Proxy.Calls;
        Assert.All(calls, call => Assert.True(call.Allowed, $"{call.Method} {call.Target} is not a read call"));
        Assert.All(calls, call => Assert.Equal("GET", call.Method));
        string[] paths = [.. calls.Select(call => System.Text.RegularExpressions.Regex.Replace(call.Target.Split('?')[0], "^/v[0-9.]+", string.Empty))];
        // One list per gather; a list that met a connection closed meanwhile is tried once more.
        Assert.InRange(paths.Count(path => path == "/containers/json"), 3, 6);
        Assert.Equal([$"/containers/{listedById}/json"], paths.Where(path => path.EndsWith("/json", StringComparison.Ordinal) && path != "/containers/json"));
        Assert.DoesNotContain($"/containers/{listedByName}/json", paths);
        Assert.All(calls.Where(call => call.Target.Contains("/containers/json", StringComparison.Ordinal)), call => Assert.Contains("running", Uri.UnescapeDataString(call.Target)));
    }

    [Fact]
    public async Task A_bridge_Jicofo_names_by_a_JVB_containers_hostname_costs_one_inspect_and_later_gathers_only_list()
    {
        // docker-jitsi-meet's JVB joins Jicofo's brewery as its hostname; here the hostname of one bridge of the payload.
        const string hostname = "jvb-eu-1a";
        Assert.Contains(hostname, DockerJitsiMeet.JicofoBridgeNicknames());
        string jvb = await DockerJitsiMeet.RunJvbAsync(_docker, FreePort.Next(), DockerEngine.RestOnJvbSite, "--hostname", hostname);
        string jicofo = await DockerJitsiMeet.RunJicofoAsync(_docker, FreePort.Next());
        Assert.Equal(hostname, (await _docker.DockerAsync("inspect", "-f", "{{.Config.Hostname}}", jvb)).Trim());
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", Proxy.Endpoint]);

        var jicofoTag = new DecodedTag("container_name", DockerJitsiMeet.Jicofo);
        const int Gathers = 4;
        for (int i = 0; i < Gathers; i++)
        {
            IReadOnlyList<string> lines = await plugin.GatherAsync(2 + DockerJitsiMeet.JicofoFleetPointCount(), Wait);
            IReadOnlyList<DecodedPoint> points = LineProtocolDecoder.DecodeLines(lines);
            DecodedPoint[] expected = FleetPayload.Points(
                TestData.Bytes("jicofo", DockerEngine.JicofoDebugPayload), jicofoTag, DockerJitsiMeet.VersionOf("jicofo"), points[0].Time,
                new Dictionary<string, string> { [hostname] = DockerJitsiMeet.Jvb }).Bridges;
            Assert.Equal(FleetPayload.Texts(expected), FleetPayload.Written(points, jicofoTag).Bridges);
            Assert.Single(points, point => point.Tags.Contains(new("jvb_container_name", DockerJitsiMeet.Jvb)));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.DoesNotContain(plugin.StderrLines, line => line.StartsWith("W! ", StringComparison.Ordinal) || line.StartsWith("E! ", StringComparison.Ordinal));
        string[] paths = [.. Proxy.Calls.Select(call => System.Text.RegularExpressions.Regex.Replace(call.Target.Split('?')[0], "^/v[0-9.]+", string.Empty))];
        Assert.Equal([$"/containers/{jvb}/json"], paths.Where(path => path != "/containers/json"));
        Assert.DoesNotContain($"/containers/{jicofo}/json", paths);

        // The inspect comes in the first gather, after its list (a list that met a connection closed meanwhile is tried
        // once more); every later gather only lists.
        int inspect = Array.IndexOf(paths, $"/containers/{jvb}/json");
        Assert.InRange(inspect, 1, 2);
        Assert.InRange(paths.Length - inspect - 1, Gathers - 1, 2 * (Gathers - 1));
        Assert.All(paths.Skip(inspect + 1), path => Assert.Equal("/containers/json", path));
    }

    [Fact]
    public async Task The_proxy_itself_refuses_anything_but_reads()
    {
        Assert.True(DockerApiProxy.IsAllowed("GET", "/v1.41/containers/json?filters=%7B%7D"));
        Assert.True(DockerApiProxy.IsAllowed("GET", "/containers/abc123/json"));
        Assert.False(DockerApiProxy.IsAllowed("POST", "/v1.41/containers/abc123/stop"));
        Assert.False(DockerApiProxy.IsAllowed("DELETE", "/containers/abc123"));
        Assert.False(DockerApiProxy.IsAllowed("GET", "/containers/abc123/logs"));
        Assert.False(DockerApiProxy.IsAllowed("GET", "/images/json"));

        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Proxy.SocketPath), token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        });
        using HttpResponseMessage refused = await client.PostAsync("http://docker/containers/create", new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(Proxy.Calls, call => call is { Method: "POST", Allowed: false });
    }

    [Fact]
    public async Task A_container_removed_between_list_and_inspect_is_simply_not_there()
    {
        string id = await _docker.RunJvbAsync("jvb-vanishing", FreePort.Next());
        await _docker.RetagJvbImageAsync();
        Proxy.BeforeForward = async (_, path) =>
        {
            if (path.EndsWith($"/containers/{id}/json", StringComparison.Ordinal))
            {
                await _docker.DockerAsync("rm", "-f", id);
            }
        };

        await using ExecdProcess once = ExecdProcess.Start(["--once", "--endpoint", Proxy.Endpoint, "--address", "host", "--debug", "true"]);

        Assert.Equal(1, await once.WaitForExitAsync(Wait));
        Assert.Empty(once.StdoutLines);
        Assert.True(once.StderrLines.First(line => !line.StartsWith("D! ", StringComparison.Ordinal)).StartsWith("I! no Jitsi container found", StringComparison.Ordinal), string.Join(" | ", once.StderrLines) + " calls: " + string.Join(", ", Proxy.Calls.Select(call => call.Method + " " + call.Target)));
        Assert.DoesNotContain(once.StderrLines, line => line.StartsWith("W! ", StringComparison.Ordinal));
        Assert.Contains(Proxy.Calls, call => call.Target.Contains($"/containers/{id}/json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_JVB_container_without_any_network_is_reported_once_and_the_others_still_written()
    {
        await _docker.RunAsync("--name", "jvb-isolated", "--network", "none", "--label", "com.docker.compose.service=jvb", DockerEngine.JvbImage, "/bin/busybox", "sleep", "600");
        await _docker.RunJvbAsync("jvb-ok", FreePort.Next());
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", Proxy.Endpoint]);

        for (int i = 0; i < 3; i++)
        {
            await plugin.TriggerAsync();
            Assert.StartsWith("jitsi_stats,container_name=jvb-ok ", await plugin.NextStdoutLineAsync(Wait));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(3, plugin.StdoutLines.Count);
        Assert.Equal(
            "W! JVB jvb-isolated: no address to read its stats: the container has no network (network mode none)",
            Assert.Single(plugin.StderrLines, line => line.StartsWith("W! ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Dockerd_killed_in_the_middle_of_a_call_is_one_error_and_discovery_resumes_when_Docker_is_back()
    {
        await using DockerEngine docker = await DockerEngine.StartAsync();
        await docker.RunJvbAsync("jvb-survivor", FreePort.Next());
        int containerPid = int.Parse((await docker.DockerAsync("inspect", "-f", "{{.State.Pid}}", "jvb-survivor")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await using var proxy = new DockerApiProxy(Path.Combine(docker.Folder, "proxy.sock"), docker.SocketPath);
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", proxy.Endpoint, "--address", "host", "--debug", "true"]);
        Assert.StartsWith("D! started", await plugin.NextStderrLineAsync(Wait));
        await plugin.TriggerAsync();
        Assert.True(await plugin.NextStdoutLineAsync(Wait) is not null, string.Join(" | ", plugin.StderrLines));
        Assert.StartsWith("I! found JVB jvb-survivor", await plugin.NextStderrLineAsync(Wait));

        // dockerd dies after the plugin's list request reached the proxy and before it is answered.
        int kills = 0;
        proxy.BeforeForward = async (_, path) =>
        {
            if (path.EndsWith("/containers/json", StringComparison.Ordinal) && Interlocked.Increment(ref kills) == 1)
            {
                await docker.KillDaemonAsync();
                Posix.Kill(containerPid, 9);
            }
        };
        await plugin.TriggerAsync();
        string? error = await plugin.WaitForStderrAsync("E! ", Wait);
        Assert.StartsWith("E! ", error);
        Assert.Contains(proxy.Endpoint, error);
        await plugin.TriggerAsync();
        Assert.StartsWith("D! ", await plugin.NextStderrLineAsync(Wait));
        Assert.Single(plugin.StdoutLines);

        // Docker comes back (a new daemon behind the same socket path the plugin uses).
        await using DockerEngine reborn = await DockerEngine.StartAsync();
        await reborn.RunJvbAsync("jvb-reborn", FreePort.Next());
        proxy.BeforeForward = null;
        proxy.Upstream = reborn.SocketPath;
        await plugin.TriggerAsync();
        Assert.StartsWith("jitsi_stats,container_name=jvb-reborn ", await plugin.NextStdoutLineAsync(Wait));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Single(plugin.StderrLines, line => line.StartsWith("E! ", StringComparison.Ordinal));
        Assert.Contains($"I! Docker at {proxy.Endpoint} answers again", plugin.StderrLines);
        Assert.Contains("I! JVB jvb-survivor is gone", plugin.StderrLines);
    }
}
