using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Debian's real Prosody (package prosody) run privately as tests/testdata/prosody/SOURCES.md describes the capture
/// run: its own configuration, data, pid and log in a temp folder, everything on 127.0.0.1, HTTP on Prosody's
/// well-known port 5280 (so it needs that port free), c2s on a free port, no s2s, statistics = "internal" and
/// statistics_interval = "manual" as docker-jitsi-meet sets them, a VirtualHost with bosh and websocket (which serve
/// HTTP) and a MUC component. It runs as user prosody (it refuses root), through setpriv, so its process is the one
/// started, stopped by its pid. The packaged service is never involved.
/// </summary>
internal sealed class HostProsody : IAsyncDisposable
{
    public const int HttpPort = 5280;
    public const string VirtualHost = "meet.jitsi";
    public const string MucHost = "muc.meet.jitsi";
    public const string Room = "testroom@" + MucHost;
    private const string User = "focus";
    private const string Password = "s3cret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly string _folder;
    private readonly int _c2sPort;
    private Process? _server;
    private Process? _client;

    private HostProsody(string folder, int c2sPort)
    {
        _folder = folder;
        _c2sPort = c2sPort;
    }

    public static Uri MetricsUri { get; } = new($"http://127.0.0.1:{HttpPort}/metrics");

    /// <summary>Starts Prosody with mod_http_openmetrics loaded, or without it (docker-jitsi-meet's default), and waits until it serves HTTP.</summary>
    public static async Task<HostProsody> StartAsync(bool openMetrics)
    {
        foreach (string program in new[] { "/usr/bin/prosody", "/usr/bin/prosodyctl" })
        {
            if (!File.Exists(program))
            {
                throw new InvalidOperationException($"{program} is missing; this test runs Debian's Prosody and needs the package prosody (dotnet pwsh ./build.ps1 test installs it when run as root)");
            }
        }

        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, HttpPort);
            probe.Start();
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"127.0.0.1:{HttpPort} is taken by another program ({ex.Message}); this test runs its own Prosody on Prosody's well-known HTTP port and needs it free (is the packaged prosody service running?)", ex);
        }

        string folder = Path.Combine("/tmp", "ejp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var prosody = new HostProsody(folder, FreePort.Next());
        try
        {
            await File.WriteAllTextAsync(prosody.ConfigPath, prosody.Config(openMetrics));
            await RunAsync("chown", ["-R", "prosody:prosody", folder]);
            await RunAsync("setpriv", [.. AsProsody, "prosodyctl", "--config", prosody.ConfigPath, "register", User, VirtualHost, Password]);
            await prosody.StartServerAsync();
            return prosody;
        }
        catch
        {
            await prosody.DisposeAsync();
            throw;
        }
    }

    private static string[] AsProsody => ["--reuid=prosody", "--regid=prosody", "--init-groups"];

    private string ConfigPath => Path.Combine(_folder, "prosody.cfg.lua");

    private string LogPath => Path.Combine(_folder, "prosody.log");

    /// <summary>
    /// Logs one user in over c2s with tests/testdata/prosody/xmpp_client.py and has it join a room, then waits (bounded)
    /// until /metrics counts the connection and the room.
    /// </summary>
    public async Task ConnectClientAsync()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            throw new InvalidOperationException("/usr/bin/python3 is missing; this test logs a client in to Prosody with tests/testdata/prosody/xmpp_client.py (Debian package python3)");
        }

        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { TestData.PathOf("prosody", "xmpp_client.py"), _c2sPort.ToString(CultureInfo.InvariantCulture), VirtualHost, User, Password, Room, User, "300" })
        {
            start.ArgumentList.Add(arg);
        }

        _client = Process.Start(start)!;
        _ = _client.StandardOutput.ReadToEndAsync();
        Task<string> clientErrors = _client.StandardError.ReadToEndAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Wait)
        {
            if (_client.HasExited)
            {
                throw new InvalidOperationException($"xmpp_client.py exited with {_client.ExitCode}: {await clientErrors}");
            }

            string metrics = await http.GetStringAsync(MetricsUri);
            if (metrics.Contains($"prosody_mod_muc__live_room{{host=\"{MucHost}\"}} 1\n", StringComparison.Ordinal)
                && metrics.Contains($"prosody_mod_c2s__connections{{host=\"{VirtualHost}\",type=\"c2s\",ip_family=\"ipv4\"}} 1\n", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Prosody's /metrics did not count the client's connection and room within {Wait.TotalSeconds} s");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_client);
        await StopAsync(_server);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task StopAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            Posix.Kill(process.Id, Posix.SigTerm);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    private async Task StartServerAsync()
    {
        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[.. AsProsody, "prosody", "-F", "--config", ConfigPath])
        {
            start.ArgumentList.Add(arg);
        }

        _server = Process.Start(start)!;
        _ = _server.StandardOutput.ReadToEndAsync();
        _ = _server.StandardError.ReadToEndAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Wait)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"prosody exited with {_server.ExitCode}; its log: {ReadLog()}");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, HttpPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"prosody did not listen on 127.0.0.1:{HttpPort} within {Wait.TotalSeconds} s; its log: {ReadLog()}");
    }

    private string ReadLog() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(20)) : "(none)";

    private string Config(bool openMetrics) => $$"""
        -- A private Prosody for the integration tests: everything on 127.0.0.1, in {{_folder}}.
        pidfile = "{{_folder}}/prosody.pid"
        data_path = "{{_folder}}/data"
        log = { { levels = { min = "info" }, to = "file", filename = "{{LogPath}}" } }

        interfaces = { "127.0.0.1" }
        local_interfaces = { "127.0.0.1" }
        c2s_ports = { {{_c2sPort}} }
        c2s_interfaces = { "127.0.0.1" }
        s2s_ports = { }
        component_ports = { }
        http_ports = { {{HttpPort}} }
        http_interfaces = { "127.0.0.1" }
        https_ports = { }

        modules_enabled = {
            "roster"; "saslauth"; "disco"; "ping";
            {{(openMetrics ? "\"http_openmetrics\";" : "-- no http_openmetrics (docker-jitsi-meet's default)")}}
        }
        modules_disabled = { "offline"; "s2s" }

        statistics = "internal"
        statistics_interval = "manual"

        authentication = "internal_hashed"
        c2s_require_encryption = false
        allow_unencrypted_plain_auth = true

        VirtualHost "{{VirtualHost}}"
            modules_enabled = { "bosh"; "websocket" }

        Component "{{MucHost}}" "muc"

        """;

    private static async Task RunAsync(string program, string[] args)
    {
        (int exitCode, string stdout, string stderr) = await ExecdProcess.RunAsync(program, args, TimeSpan.FromSeconds(30));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({exitCode}): {stdout}{stderr}");
        }
    }
}
