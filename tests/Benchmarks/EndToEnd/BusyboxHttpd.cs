using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The JVB stand-in: busybox httpd on 127.0.0.1 serving a folder in which colibri/stats is a real JVB's document
/// and nothing else exists, so /about/health and /about/version answer 404 as on a JVB with those APIs off. With
/// <c>countRequests</c> it runs with -vv and the paths of its "url:" log lines are counted, which is how the
/// benchmark checks that every client makes the same requests per gather.
/// </summary>
internal sealed class BusyboxHttpd : IDisposable
{
    private readonly Process _process;
    private readonly Dictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly Task _logPump;

    private BusyboxHttpd(Process process, int port, bool countRequests)
    {
        _process = process;
        Port = port;
        _logPump = countRequests ? PumpLogAsync(process.StandardError) : process.StandardError.ReadToEndAsync();
    }

    public int Port { get; }

    public string StatsUrl => $"http://127.0.0.1:{Port}/colibri/stats";

    /// <summary>Requests by path so far (only with request counting).</summary>
    public IReadOnlyDictionary<string, long> Requests
    {
        get { lock (_requests) { return new Dictionary<string, long>(_requests, StringComparer.Ordinal); } }
    }

    /// <summary>Makes <paramref name="root"/>/colibri/stats from <paramref name="document"/>, for <see cref="Start"/>.</summary>
    public static string MakeSite(string root, byte[] document)
    {
        Directory.CreateDirectory(Path.Combine(root, "colibri"));
        File.WriteAllBytes(Path.Combine(root, "colibri", "stats"), document);
        return root;
    }

    /// <summary>Starts busybox httpd in the foreground on a free loopback port and waits until it accepts.</summary>
    public static BusyboxHttpd Start(string site, bool countRequests)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort.Next();
            var start = new ProcessStartInfo("busybox")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("httpd");
            start.ArgumentList.Add("-f");
            if (countRequests)
            {
                start.ArgumentList.Add("-vv");
            }

            foreach (string arg in new[] { "-p", $"127.0.0.1:{port}", "-h", site })
            {
                start.ArgumentList.Add(arg);
            }

            var server = new BusyboxHttpd(Process.Start(start) ?? throw new InvalidOperationException("busybox did not start"), port, countRequests);
            if (server.WaitListening())
            {
                return server;
            }

            server.Dispose();
            if (attempt == 5)
            {
                throw new InvalidOperationException($"busybox httpd did not listen on 127.0.0.1 (last port tried {port}); is busybox-static installed?");
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _logPump.Wait(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    private bool WaitListening()
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(5) && !_process.HasExited)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        return false;
    }

    private async Task PumpLogAsync(StreamReader log)
    {
        // -vv writes "127.0.0.1:<client port>: url:/colibri/stats" for each request (the probe's connection has none).
        while (await log.ReadLineAsync() is { } line)
        {
            int at = line.IndexOf(": url:", StringComparison.Ordinal);
            if (at >= 0)
            {
                string path = line[(at + ": url:".Length)..].Trim();
                lock (_requests)
                {
                    _requests[path] = _requests.GetValueOrDefault(path) + 1;
                }
            }
        }
    }
}
