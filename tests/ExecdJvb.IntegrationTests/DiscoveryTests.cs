using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>Docker discovery against a real, private dockerd.</summary>
[Collection(DockerCollection.Name)]
public sealed partial class DiscoveryTests(DockerEngineFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly DockerEngine _docker = fixture.Engine;

    public Task InitializeAsync() => _docker.RemoveAllContainersAsync();

    public Task DisposeAsync() => _docker.RemoveAllContainersAsync();

    [Fact]
    public async Task A_container_labelled_like_docker_jitsi_meet_is_found_whatever_its_image()
    {
        int port = FreePort.Next();
        await _docker.RunJvbAsync("meet-jvb-1", port, image: DockerEngine.OtherImage, extra: ["--label", "com.docker.compose.service=jvb"]);

        (int exitCode, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) = await OnceAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal($"jitsi_stats,container_name=meet-jvb-1 {GoldenFields("colibri-stats-2.3.168-stable-9779")}", TrimTime(Assert.Single(stdout)));
        Assert.Equal([$"I! found JVB meet-jvb-1 at http://127.0.0.1:{port}/colibri/stats (host network)"], stderr);
    }

    [Theory]
    [InlineData(DockerEngine.JvbImage)]
    [InlineData(DockerEngine.GhcrJvbImage)]
    public async Task A_container_of_the_jitsi_jvb_image_from_any_registry_is_found_without_labels(string image)
    {
        int port = FreePort.Next();
        await _docker.RunJvbAsync("wa-jitsi-jvb", port, "colibri-stats-2.1.508-active", image);

        (int exitCode, IReadOnlyList<string> stdout, _) = await OnceAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb {GoldenFields("colibri-stats-2.1.508-active")}", TrimTime(Assert.Single(stdout)));
    }

    [Fact]
    public async Task A_container_that_is_not_a_JVB_is_ignored_and_the_plugin_says_none_was_found()
    {
        await _docker.RunJvbAsync("sidecar", FreePort.Next(), image: DockerEngine.OtherImage, extra: ["--label", "com.docker.compose.service=web"]);

        (int exitCode, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) = await OnceAsync();

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.Equal(
            [
                "I! no Jitsi container found (label com.docker.compose.service=jvb|jicofo|prosody|jigasi or image [*/]jitsi/jvb|jicofo|prosody|jigasi), nor on this host's 127.0.0.1 (JVB 8080, Jicofo 8888, Prosody 5280, Jigasi 8788)",
                $"E! no Jitsi component answered (Docker at {_docker.Endpoint}, Jitsi = label com.docker.compose.service=jvb|jicofo|prosody|jigasi or image [*/]jitsi/jvb|jicofo|prosody|jigasi; else this host's 127.0.0.1 (JVB 8080, Jicofo 8888, Prosody 5280, Jigasi 8788))",
            ],
            stderr);
    }

    [Fact]
    public async Task Two_JVBs_give_two_lines_tagged_with_their_container_names()
    {
        await _docker.RunJvbAsync("jvb-b", FreePort.Next(), "colibri-stats-2.1.508-idle");
        await _docker.RunJvbAsync("jvb-a", FreePort.Next(), "colibri-stats-2019-doc", DockerEngine.OtherImage, "--label", "com.docker.compose.service=jvb");

        (int exitCode, IReadOnlyList<string> stdout, _) = await OnceAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal(
            [
                $"jitsi_stats,container_name=jvb-a {GoldenFields("colibri-stats-2019-doc")}",
                $"jitsi_stats,container_name=jvb-b {GoldenFields("colibri-stats-2.1.508-idle")}",
            ],
            stdout.Select(TrimTime));
        Assert.Single(stdout.Select(line => line[(line.LastIndexOf(' ') + 1)..]).Distinct());
    }

    [Theory]
    [InlineData("--container_name_include", "wa-*", "wa-jitsi-jvb")]
    [InlineData("--container_name_exclude", "wa-*", "other-jvb")]
    [InlineData("--container_name_include", "*jvb", "other-jvb,wa-jitsi-jvb")]
    [InlineData("--container_label_include", "role=bridge", "other-jvb")]
    [InlineData("--container_image_include", "ghcr.io/jitsi/*", "wa-jitsi-jvb")]
    [InlineData("--container_image_include", "*/jvb:stable-9779", "other-jvb")]
    public async Task Name_label_and_image_options_narrow_or_widen_the_selection(string option, string value, string expected)
    {
        await _docker.RunJvbAsync("wa-jitsi-jvb", FreePort.Next(), image: DockerEngine.GhcrJvbImage);
        await _docker.RunJvbAsync("other-jvb", FreePort.Next(), image: "jitsi/jvb:stable-9779", extra: ["--label", "role=bridge"]);
        await _docker.RunJvbAsync("plain-web", FreePort.Next(), image: DockerEngine.OtherImage);

        (int exitCode, IReadOnlyList<string> stdout, _) = await OnceAsync(option, value);

        Assert.Equal(0, exitCode);
        Assert.Equal(expected.Split(','), stdout.Select(line => ContainerNameOf(line)));
    }

    [Fact]
    public async Task The_seed_scenario_a_JVB_replaced_by_a_new_container_on_another_port_needs_no_restart()
    {
        int firstPort = FreePort.Next();
        await _docker.RunJvbAsync("wa-jitsi-jvb", firstPort, "colibri-stats-2.1.508-active");
        await using ExecdProcess plugin = ExecdProcess.Start(["--endpoint", _docker.Endpoint, "--address", "host"]);

        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb {GoldenFields("colibri-stats-2.1.508-active")}", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.Equal($"I! found JVB wa-jitsi-jvb at http://127.0.0.1:{firstPort}/colibri/stats (host network)", await plugin.NextStderrLineAsync(Wait));

        await _docker.DockerAsync("rm", "-f", "wa-jitsi-jvb");
        await plugin.TriggerAsync();
        Assert.Equal("I! JVB wa-jitsi-jvb is gone; no Jitsi container found (label com.docker.compose.service=jvb|jicofo|prosody|jigasi or image [*/]jitsi/jvb|jicofo|prosody|jigasi), nor on this host's 127.0.0.1 (JVB 8080, Jicofo 8888, Prosody 5280, Jigasi 8788)", await plugin.NextStderrLineAsync(Wait));
        for (int i = 0; i < 5; i++)
        {
            await plugin.TriggerAsync();
        }

        // A new container (new ID), listening on another port that its label announces.
        int secondPort = FreePort.Next();
        await _docker.RunJvbAsync("wa-jitsi-jvb", secondPort, "colibri-stats-2.3.168-stable-9779");
        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,container_name=wa-jitsi-jvb {GoldenFields("colibri-stats-2.3.168-stable-9779")}", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.Equal($"I! found JVB wa-jitsi-jvb at http://127.0.0.1:{secondPort}/colibri/stats (host network)", await plugin.NextStderrLineAsync(Wait));

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(2, plugin.StdoutLines.Count);
        Assert.Equal(3, plugin.StderrLines.Count);
    }

    [Fact]
    public async Task A_port_label_and_a_path_label_override_port_and_stats_path_per_container()
    {
        int port = FreePort.Next();
        await _docker.RunAsync("--name", "jvb-custom", "--network", "host", "--label", $"execd-jvb.port={port}", "--label", "execd-jvb.path=/about/version",
            DockerEngine.JvbImage, "/bin/busybox", "httpd", "-f", "-p", $"127.0.0.1:{port}", "-h", "/www/colibri-stats-2019-doc");

        (int exitCode, IReadOnlyList<string> stdout, _) = await DiscoverAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal($"JVB\tjvb-custom\t{DockerEngine.JvbImage}\thttp://127.0.0.1:{port}/about/version\thost network", Assert.Single(stdout));
    }

    [Fact]
    public async Task On_two_internal_networks_the_named_network_gives_the_address_without_any_traffic()
    {
        await _docker.DockerAsync("network", "create", "--internal", "workadventure");
        await _docker.DockerAsync("network", "create", "--internal", "meetup");
        try
        {
            await _docker.RunAsync("--name", "wa-jitsi-jvb", "--network", "workadventure", DockerEngine.JvbImage, "/bin/busybox", "sleep", "600");
            await _docker.DockerAsync("network", "connect", "meetup", "wa-jitsi-jvb");
            string meetupIp = (await _docker.DockerAsync("inspect", "-f", "{{.NetworkSettings.Networks.meetup.IPAddress}}", "wa-jitsi-jvb")).Trim();
            string waIp = (await _docker.DockerAsync("inspect", "-f", "{{.NetworkSettings.Networks.workadventure.IPAddress}}", "wa-jitsi-jvb")).Trim();
            Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", meetupIp);
            Assert.NotEqual(meetupIp, waIp);

            (int named, IReadOnlyList<string> namedOut, _) = await DiscoverAsync("--address", "network", "--network", "workadventure");
            (int first, IReadOnlyList<string> firstOut, _) = await DiscoverAsync();
            (int missing, IReadOnlyList<string> missingOut, IReadOnlyList<string> missingErr) = await DiscoverAsync("--network", "jitsi");

            Assert.Equal(0, named);
            Assert.Equal($"JVB\twa-jitsi-jvb\t{DockerEngine.JvbImage}\thttp://{waIp}:8080/colibri/stats\tIP on network workadventure", Assert.Single(namedOut));
            Assert.Equal(0, first);
            Assert.Equal($"JVB\twa-jitsi-jvb\t{DockerEngine.JvbImage}\thttp://{meetupIp}:8080/colibri/stats\tIP on network meetup (first by name)", Assert.Single(firstOut));
            Assert.Equal(1, missing);
            Assert.Equal($"JVB\twa-jitsi-jvb\t{DockerEngine.JvbImage}\t-\tnot attached to network \"jitsi\" (it is on: meetup, workadventure)", Assert.Single(missingOut));
            Assert.Contains("W! JVB wa-jitsi-jvb: no address to read its stats: not attached to network \"jitsi\"", string.Join('\n', missingErr));
        }
        finally
        {
            await _docker.RemoveAllContainersAsync();
            await _docker.DockerAsync("network", "rm", "workadventure", "meetup");
        }
    }

    [Fact]
    public async Task A_published_port_resolves_to_its_host_binding_and_host_mode_to_the_loopback()
    {
        await _docker.DockerAsync("network", "create", "jitsi-pub");
        try
        {
            int published = FreePort.Next();
            await _docker.RunAsync("--name", "jvb-published", "--network", "jitsi-pub", "-p", $"127.0.0.1:{published}:8080", "--label", "com.docker.compose.service=jvb", DockerEngine.OtherImage, "/bin/busybox", "sleep", "600");
            await _docker.RunAsync("--name", "jvb-host", "--network", "host", DockerEngine.JvbImage, "/bin/busybox", "sleep", "600");
            string ip = (await _docker.DockerAsync("inspect", "-f", "{{(index .NetworkSettings.Networks \"jitsi-pub\").IPAddress}}", "jvb-published")).Trim();

            (int auto, IReadOnlyList<string> autoOut, _) = await DiscoverAsync();
            (_, IReadOnlyList<string> networkOut, _) = await DiscoverAsync("--address", "network");
            (_, IReadOnlyList<string> hostOut, _) = await DiscoverAsync("--address", "host");

            Assert.Equal(0, auto);
            Assert.Equal(
                [
                    $"JVB\tjvb-host\t{DockerEngine.JvbImage}\thttp://127.0.0.1:8080/colibri/stats\thost network",
                    $"JVB\tjvb-published\t{DockerEngine.OtherImage}\thttp://127.0.0.1:{published}/colibri/stats\tpublished port 127.0.0.1:{published}->8080/tcp",
                ],
                autoOut);
            Assert.Equal($"JVB\tjvb-published\t{DockerEngine.OtherImage}\thttp://{ip}:8080/colibri/stats\tIP on network jitsi-pub (first by name)", networkOut[1]);
            Assert.Equal($"JVB\tjvb-published\t{DockerEngine.OtherImage}\t-\taddress = \"host\" but the container's network mode is \"jitsi-pub\"", hostOut[1]);
        }
        finally
        {
            await _docker.RemoveAllContainersAsync();
            await _docker.DockerAsync("network", "rm", "jitsi-pub");
        }
    }

    private async Task<(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> OnceAsync(params string[] extra)
    {
        // address = host: a gather test may only ever contact 127.0.0.1, whatever else runs in this dockerd.
        await using ExecdProcess once = ExecdProcess.Start(["--once", "--endpoint", _docker.Endpoint, "--address", "host", .. extra]);
        int exitCode = await once.WaitForExitAsync(Wait);
        return (exitCode, once.StdoutLines, once.StderrLines);
    }

    private async Task<(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> DiscoverAsync(params string[] extra)
    {
        // The JVB's address is what these tests look at: the other components' lines (none found) are left out.
        await using ExecdProcess discover = ExecdProcess.Start(["--discover", "--endpoint", _docker.Endpoint, "--components", "jvb", .. extra]);
        int exitCode = await discover.WaitForExitAsync(Wait);
        return (exitCode, discover.StdoutLines, discover.StderrLines);
    }

    private static string GoldenFields(string fixture) =>
        File.ReadAllText(TestData.PathOf("golden", fixture + ".out")).Split(' ')[1];

    private static string TrimTime(string? line) => line is null ? "(no line)" : line[..line.LastIndexOf(' ')];

    private static string ContainerNameOf(string line) => ContainerName().Match(line).Groups[1].Value;

    [GeneratedRegex("^jitsi_stats,container_name=([^ ,]+) ")]
    private static partial Regex ContainerName();
}
