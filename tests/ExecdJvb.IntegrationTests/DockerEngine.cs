using System.Diagnostics;
using System.Formats.Tar;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A private dockerd for the tests: no bridge, no iptables, vfs storage, socket and data in its own temp
/// folder. It holds one tiny image (busybox-static plus the JVB, Jicofo, Jigasi and Prosody payloads) tagged as the JVB,
/// Jicofo, Jigasi and Prosody images of docker-jitsi-meet and as an unrelated image. Containers that serve HTTP use the host
/// network and listen on 127.0.0.1; others are only inspected, never contacted.
/// </summary>
internal sealed class DockerEngine : IAsyncDisposable
{
    public const string JvbImage = "jitsi/jvb:stable-9779";
    public const string GhcrJvbImage = "ghcr.io/jitsi/jvb:stable-11146";
    public const string GhcrJicofoImage = "ghcr.io/jitsi/jicofo:stable-11146";
    public const string GhcrJigasiImage = "ghcr.io/jitsi/jigasi:stable-11146";
    public const string GhcrProsodyImage = "ghcr.io/jitsi/prosody:stable-11146";
    public const string OtherImage = "example.org/tools/sidecar:1";

    /// <summary>
    /// The site of a stock docker-jitsi-meet JVB 2.3.168 (COLIBRI_REST_ENABLED=false): /metrics, /about/health (200,
    /// empty) and /about/version, and no /colibri/stats, which busybox httpd answers with 404 as the JVB does.
    /// </summary>
    public const string RestOffJvbSite = "jvb-2.3.168-rest-off";

    /// <summary>The same JVB with its colibri REST API on: /colibri/stats as well.</summary>
    public const string RestOnJvbSite = "jvb-2.3.168-rest-on";

    /// <summary>
    /// A Jicofo of docker-jitsi-meet stable-11146 with its health checks on: /stats, /about/health (200, empty),
    /// /about/version and /debug (its short form, the payload generated from its source), and no /metrics, which
    /// busybox httpd answers with 404.
    /// </summary>
    public const string JicofoSite = "jicofo-stable-jitsi-meet_11146";

    /// <summary>The /debug short form <see cref="JicofoSite"/> serves (tests/testdata/jicofo).</summary>
    public const string JicofoDebugPayload = "debug-stable-jitsi-meet_11146.json";

    /// <summary>
    /// The Jicofo of a second shard of the same deployment, its health checks off (the default: /stats without its health
    /// keys, and /about/health answers 404): /stats, /about/version and /debug, which sees the same bridges, Jibris and
    /// Jigasis as <see cref="JicofoSite"/>'s with its own allocations (<see cref="SecondShardDebugPayload"/>).
    /// </summary>
    public const string SecondShardJicofoSite = "jicofo-stable-jitsi-meet_11146-second-shard";

    /// <summary>The /debug short form <see cref="SecondShardJicofoSite"/> serves (tests/testdata/jicofo).</summary>
    public const string SecondShardDebugPayload = "debug-stable-jitsi-meet_11146-second-shard.json";

    /// <summary>
    /// The same Jicofo without /stats and with its debug routes off (busybox httpd answers both with 404): /metrics,
    /// /about/health and /about/version.
    /// </summary>
    public const string MetricsOnlyJicofoSite = "jicofo-stable-jitsi-meet_11146-metrics-only";

    /// <summary>A Jigasi: /about/stats and /about/version, and nothing else (its health API off, so /about/health is 404).</summary>
    public const string JigasiSite = "jigasi-master";

    /// <summary>
    /// A Prosody 0.12.3 with mod_http_openmetrics: /metrics answers what the captured Prosody answered, headers and body
    /// byte for byte (200, <c>Content-Type: application/openmetrics-text; version=0.0.4</c>).
    /// </summary>
    public const string ProsodySite = "prosody-0.12.3-openmetrics";

    /// <summary>The same Prosody asked from an address it does not allow: /metrics answers its captured 403 page.</summary>
    public const string ForbiddenProsodySite = "prosody-0.12.3-403";

    /// <summary>A Prosody without mod_http_openmetrics (docker-jitsi-meet's default): /metrics answers mod_http's captured 404 page.</summary>
    public const string NoMetricsProsodySite = "prosody-0.12.3-module-not-loaded-404";

    /// <summary>
    /// Serves one HTTP exchange per connection for busybox nc -ll -e (busybox httpd names a Content-Type after the file
    /// extension only, so it cannot send Prosody's): the request line, its headers up to the blank line, then the site's
    /// captured answer to /metrics (status line, headers and body as Prosody sent them), or mod_http's captured 404 for
    /// any other path. Each path is logged as busybox httpd -vv logs it ("url:/path").
    /// </summary>
    private const string ProsodyHttpScript = """
        #!/bin/busybox sh
        cr=$(printf '\r')
        read -r method path version || exit 0
        echo "prosody: url:$path" >&2
        while read -r header; do
            case "$header" in "" | "$cr") break ;; esac
        done
        if [ "$path" = /metrics ]; then
            exec /bin/busybox cat "$SITE/metrics.response"
        fi
        exec /bin/busybox cat /www/prosody-not-found.response

        """;

    private readonly string[] _daemonArgs;
    private Process? _daemon;

    private DockerEngine(string folder, string[] daemonArgs)
    {
        Folder = folder;
        _daemonArgs = daemonArgs;
    }

    /// <summary>Short on purpose: a unix socket path may not exceed 107 bytes.</summary>
    public string Folder { get; }

    public string SocketPath => Path.Combine(Folder, "d.sock");

    public string Endpoint => "unix://" + SocketPath;

    public string ExecRoot => Path.Combine(Folder, "exec");

    /// <summary>Starts a private dockerd; <paramref name="daemonArgs"/> adds to the fixed options (e.g. a TLS listener).</summary>
    public static Task<DockerEngine> StartAsync(params string[] daemonArgs) => StartInAsync(NewFolder(), daemonArgs);

    /// <summary>A folder for an engine, made before it starts (for files its options name, such as certificates).</summary>
    public static string NewFolder()
    {
        string folder = Path.Combine("/tmp", "ejd-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static async Task<DockerEngine> StartInAsync(string folder, params string[] daemonArgs)
    {
        foreach ((string tool, string package) in new[] { ("dockerd", "docker.io"), ("docker", "docker.io") })
        {
            if (Which(tool) is null)
            {
                throw new InvalidOperationException($"{tool} is not installed; the Docker tests need the Debian package {package} (dotnet pwsh ./build.ps1 test installs it when run as root)");
            }
        }

        if (!File.Exists("/bin/busybox"))
        {
            throw new InvalidOperationException("/bin/busybox is missing; the Docker tests need the Debian package busybox-static (dotnet pwsh ./build.ps1 test installs it when run as root)");
        }

        var engine = new DockerEngine(folder, daemonArgs);
        try
        {
            await engine.StartDaemonAsync();
            await engine.ImportImageAsync();
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    public async Task StartDaemonAsync()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "data"));
        Directory.CreateDirectory(ExecRoot);
        var start = new ProcessStartInfo("dockerd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "--bridge=none", "--iptables=false", "--ip-masq=false", "--storage-driver=vfs",
            "--data-root", Path.Combine(Folder, "data"), "--exec-root", ExecRoot,
            "-H", Endpoint, "--pidfile", Path.Combine(Folder, "d.pid"),
        }.Concat(_daemonArgs))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DOCKER_HOST");
        _daemon = Process.Start(start)!;
        string logPath = Path.Combine(Folder, "dockerd.log");
        _ = CopyAsync(_daemon.StandardOutput, logPath);
        _ = CopyAsync(_daemon.StandardError, logPath);

        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_daemon.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited with {_daemon.ExitCode}; its log: {await ReadLogAsync(logPath)}");
            }

            if (File.Exists(SocketPath) && (await RunDockerAsync(["version", "--format", "{{.Server.Version}}"], throwOnError: false)).ExitCode == 0)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"dockerd did not answer within 60 s; its log: {await ReadLogAsync(logPath)}");
    }

    /// <summary>Stops dockerd (its containers stop with it) and waits until it is gone.</summary>
    public async Task StopDaemonAsync()
    {
        if (_daemon is null || _daemon.HasExited)
        {
            return;
        }

        Posix.Kill(_daemon.Id, Posix.SigTerm);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _daemon.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _daemon.Kill(entireProcessTree: true);
            await _daemon.WaitForExitAsync();
        }
    }

    /// <summary>Runs a container; returns its ID.</summary>
    public async Task<string> RunAsync(params string[] args) => (await DockerAsync(["run", "-d", .. args])).Trim();

    /// <summary>
    /// A JVB-like container on the host network whose busybox httpd serves a fixture at
    /// 127.0.0.1:<paramref name="port"/>/colibri/stats and nothing else (other paths answer 404, as a JVB's
    /// with those APIs off). Its execd-jvb.port label says which port, as on a host that runs several JVBs in
    /// host network mode.
    /// </summary>
    public Task<string> RunJvbAsync(string name, int port, string fixture = "colibri-stats-2.3.168-stable-9779", string image = JvbImage, params string[] extra) =>
        RunHttpdAsync(name, port, fixture, image, logRequests: false, extra);

    /// <summary>
    /// As <see cref="RunJvbAsync"/>, serving one of the sites (<see cref="RestOffJvbSite"/>, <see cref="RestOnJvbSite"/>)
    /// and logging each request's path, which <see cref="RequestedPathsAsync"/> reads back.
    /// </summary>
    public Task<string> RunLoggingJvbAsync(string name, int port, string site, params string[] extra) =>
        RunHttpdAsync(name, port, site, JvbImage, logRequests: true, extra);

    /// <summary>
    /// A container of <paramref name="image"/> on the host network whose busybox httpd serves one of the sites
    /// (<see cref="JicofoSite"/>, <see cref="JigasiSite"/>, …) at 127.0.0.1:<paramref name="port"/>, named by its
    /// execd-jvb.port label, and logs each request's path for <see cref="RequestedPathsAsync"/>.
    /// </summary>
    public Task<string> RunSiteAsync(string name, int port, string site, string image, params string[] extra) =>
        RunHttpdAsync(name, port, site, image, logRequests: true, extra);

    /// <summary>
    /// A container of <paramref name="image"/> on the host network that answers at 127.0.0.1:<paramref name="port"/>
    /// as a Prosody serving one of <see cref="ProsodySite"/>, <see cref="ForbiddenProsodySite"/> or
    /// <see cref="NoMetricsProsodySite"/> (busybox nc, one process per connection, as Prosody sent it), named by its
    /// execd-jvb.port label, and logs each request's path for <see cref="RequestedPathsAsync"/>.
    /// </summary>
    public async Task<string> RunProsodyAsync(string name, int port, string site, string image, params string[] extra)
    {
        string id = await RunAsync(["--name", name, "--network", "host", "--label", $"execd-jvb.port={port}", "-e", $"SITE=/www/{site}", .. extra, image, "/bin/busybox", "nc", "-ll", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1", "-e", "/bin/prosody-http"]);
        return await WaitUntilListeningAsync(name, port, id);
    }

    /// <summary>The paths the container's busybox httpd was asked for, in order (from its -vv log lines "url:/path").</summary>
    public async Task<IReadOnlyList<string>> RequestedPathsAsync(string container)
    {
        (int exitCode, string stdout, string stderr) = await RunDockerWithStderrAsync(["logs", container]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"docker logs {container} failed ({exitCode}): {stderr}");
        }

        return [.. (stdout + "\n" + stderr).Split('\n')
            .Select(line => line.IndexOf(": url:", StringComparison.Ordinal) is int at and >= 0 ? line[(at + ": url:".Length)..].Trim() : null)
            .OfType<string>()];
    }

    private async Task<string> RunHttpdAsync(string name, int port, string site, string image, bool logRequests, string[] extra)
    {
        string[] verbose = logRequests ? ["-vv"] : [];
        string id = await RunAsync(["--name", name, "--network", "host", "--label", $"execd-jvb.port={port}", .. extra, image, "/bin/busybox", "httpd", "-f", .. verbose, "-p", $"127.0.0.1:{port}", "-h", $"/www/{site}"]);
        return await WaitUntilListeningAsync(name, port, id);
    }

    private async Task<string> WaitUntilListeningAsync(string name, int port, string id)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                if ((await DockerAsync("inspect", "-f", "{{.State.Running}}", id)).Trim() != "true")
                {
                    throw new InvalidOperationException($"container {name} stopped; was port {port} taken?");
                }

                return id;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"container {name} did not listen on 127.0.0.1:{port} within 15 s");
    }

    public async Task<string> DockerAsync(params string[] args) => (await RunDockerAsync(args, throwOnError: true)).Stdout;

    public async Task RemoveAllContainersAsync()
    {
        string ids = await DockerAsync("ps", "-aq");
        string[] all = ids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (all.Length > 0)
        {
            await DockerAsync(["rm", "-f", .. all]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_daemon is { HasExited: false } && File.Exists(SocketPath))
            {
                await RemoveAllContainersAsync();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Teardown goes on: the daemon is stopped and the folder removed regardless.
        }

        await StopDaemonAsync();
        _daemon?.Dispose();
        // <exec-root>/netns/default always; after a daemon was killed, also what it could not unmount
        // itself (its data-root bind mount): every mount below the folder, deepest first.
        string[] mounts = [.. File.ReadAllLines("/proc/self/mounts")
            .Select(line => line.Split(' ')[1].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(Folder + "/", StringComparison.Ordinal))
            .Distinct()
            .OrderByDescending(point => point.Length)];
        foreach (string point in mounts)
        {
            await ExecdProcess.RunAsync("umount", [point], TimeSpan.FromSeconds(30));
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Imports the image again under the JVB tag: containers made from the old image keep running, but
    /// Docker now lists their image by ID, which makes the plugin inspect them.
    /// </summary>
    public Task RetagJvbImageAsync() => DockerAsync("import", Path.Combine(Folder, "image.tar"), JvbImage);

    /// <summary>
    /// Kills dockerd outright (SIGKILL), as an OOM killer or a crash would, and then the containerd it
    /// started, which would otherwise hold its socket and keep a new dockerd from starting.
    /// </summary>
    public async Task KillDaemonAsync()
    {
        if (_daemon is { HasExited: false })
        {
            Posix.Kill(_daemon.Id, 9);
            await _daemon.WaitForExitAsync();
        }

        foreach (int pid in ProcessesUsing(Folder))
        {
            Posix.Kill(pid, 9);
        }

        for (int i = 0; i < 100 && ProcessesUsing(Folder).Count > 0; i++)
        {
            await Task.Delay(50);
        }
    }

    private static List<int> ProcessesUsing(string folder)
    {
        var pids = new List<int>();
        foreach (string entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
            {
                continue;
            }

            try
            {
                string commandLine = File.ReadAllText(Path.Combine(entry, "cmdline"));
                if (commandLine.Contains(folder, StringComparison.Ordinal) && commandLine.Contains("containerd", StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    private async Task ImportImageAsync()
    {
        string tarPath = Path.Combine(Folder, "image.tar");
        await using (FileStream file = File.Create(tarPath))
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync("/bin/busybox", "bin/busybox");
            // Each JSON fixture as the colibri stats of a JVB that serves nothing else (so no health, no version).
            foreach (string fixture in Directory.GetFiles(TestData.PathOf("jvb"), "*.json"))
            {
                await tar.WriteEntryAsync(fixture, $"www/{Path.GetFileNameWithoutExtension(fixture)}/colibri/stats");
            }

            // Whole JVBs: /metrics, /about/health (200 with an empty body, as jicoco's Health answers) and /about/version.
            string emptyFile = Path.Combine(Folder, "empty");
            await File.WriteAllBytesAsync(emptyFile, []);
            foreach (string site in new[] { RestOffJvbSite, RestOnJvbSite })
            {
                await tar.WriteEntryAsync(TestData.PathOf("jvb-metrics", "metrics-2.3.168.txt"), $"www/{site}/metrics");
                await tar.WriteEntryAsync(emptyFile, $"www/{site}/about/health");
                await tar.WriteEntryAsync(TestData.PathOf("jvb", "about-version.json"), $"www/{site}/about/version");
            }

            await tar.WriteEntryAsync(TestData.PathOf("jvb", "colibri-stats-2.3.168-stable-9779.json"), $"www/{RestOnJvbSite}/colibri/stats");

            // Jicofo with /stats, or with /metrics only; both with health checks on, so /stats holds its health keys.
            await tar.WriteEntryAsync(TestData.PathOf("jicofo", "stats-stable-jitsi-meet_11146.json"), $"www/{JicofoSite}/stats");
            await tar.WriteEntryAsync(TestData.PathOf("jicofo", "metrics-stable-jitsi-meet_11146.txt"), $"www/{MetricsOnlyJicofoSite}/metrics");
            await tar.WriteEntryAsync(TestData.PathOf("jicofo", JicofoDebugPayload), $"www/{JicofoSite}/debug");
            foreach (string site in new[] { JicofoSite, MetricsOnlyJicofoSite })
            {
                await tar.WriteEntryAsync(emptyFile, $"www/{site}/about/health");
                await tar.WriteEntryAsync(TestData.PathOf("jicofo", "about-version.json"), $"www/{site}/about/version");
            }

            await tar.WriteEntryAsync(TestData.PathOf("jicofo", "stats-stable-jitsi-meet_11146-health-disabled.json"), $"www/{SecondShardJicofoSite}/stats");
            await tar.WriteEntryAsync(TestData.PathOf("jicofo", SecondShardDebugPayload), $"www/{SecondShardJicofoSite}/debug");
            await tar.WriteEntryAsync(TestData.PathOf("jicofo", "about-version.json"), $"www/{SecondShardJicofoSite}/about/version");

            await tar.WriteEntryAsync(TestData.PathOf("jigasi", "about-stats-master.json"), $"www/{JigasiSite}/about/stats");
            await tar.WriteEntryAsync(TestData.PathOf("jigasi", "about-version.json"), $"www/{JigasiSite}/about/version");

            // Prosody: each captured answer whole (curl's header dump, then the body), and the program that serves them.
            foreach ((string site, string capture) in new[]
            {
                (ProsodySite, "metrics-0.12.3-openmetrics.txt"),
                (ForbiddenProsodySite, "metrics-0.12.3-403.html"),
                (NoMetricsProsodySite, "metrics-0.12.3-module-not-loaded-404.html"),
                ("prosody-not-found", "metrics-0.12.3-module-not-loaded-404.html"),
            })
            {
                string answer = Path.Combine(Folder, site + ".response");
                await File.WriteAllBytesAsync(answer, [.. TestData.Bytes("prosody", Path.ChangeExtension(capture, ".headers")), .. TestData.Bytes("prosody", capture)]);
                await tar.WriteEntryAsync(answer, site == "prosody-not-found" ? $"www/{site}.response" : $"www/{site}/metrics.response");
            }

            string script = Path.Combine(Folder, "prosody-http");
            await File.WriteAllTextAsync(script, ProsodyHttpScript);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            await tar.WriteEntryAsync(script, "bin/prosody-http");
        }

        await DockerAsync("import", tarPath, JvbImage);
        await DockerAsync("tag", JvbImage, GhcrJvbImage);
        await DockerAsync("tag", JvbImage, GhcrJicofoImage);
        await DockerAsync("tag", JvbImage, GhcrJigasiImage);
        await DockerAsync("tag", JvbImage, GhcrProsodyImage);
        await DockerAsync("tag", JvbImage, OtherImage);
    }

    private async Task<(int ExitCode, string Stdout)> RunDockerAsync(string[] args, bool throwOnError)
    {
        (int exitCode, string stdout, string stderr) = await RunDockerWithStderrAsync(args);
        if (throwOnError && exitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', args)} failed ({exitCode}): {stderr}");
        }

        return (exitCode, stdout);
    }

    private Task<ProcessResult> RunDockerWithStderrAsync(string[] args) =>
        ExecdProcess.RunAsync("docker", ["-H", Endpoint, .. args], TimeSpan.FromSeconds(120));

    private static async Task CopyAsync(StreamReader from, string logPath)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (logPath)
            {
                File.AppendAllText(logPath, line + "\n");
            }
        }
    }

    private static async Task<string> ReadLogAsync(string logPath) =>
        File.Exists(logPath) ? string.Join('\n', (await File.ReadAllLinesAsync(logPath)).TakeLast(20)) : "(none)";

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists)
            ?? (File.Exists("/usr/sbin/" + tool) ? "/usr/sbin/" + tool : null);
}
