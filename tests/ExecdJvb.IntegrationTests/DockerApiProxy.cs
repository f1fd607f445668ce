using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A recording unix-socket proxy in front of a real dockerd that lets through only the read calls the
/// plugin may make (GET /containers/json, GET /containers/{id}/json, and _ping/version) and answers 403
/// to anything else. A hook runs before each request is forwarded, to stage races such as a container
/// removed between list and inspect, or dockerd dying mid-call.
/// </summary>
internal sealed partial class DockerApiProxy : IAsyncDisposable
{
    private volatile string _upstream;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Method, string Target, bool Allowed)> _calls = [];
    private readonly Task _accepting;

    public DockerApiProxy(string socketPath, string upstreamSocketPath)
    {
        SocketPath = socketPath;
        _upstream = upstreamSocketPath;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        _accepting = AcceptAsync();
    }

    public string SocketPath { get; }

    /// <summary>The dockerd socket requests go to; may change, as when Docker comes back as a new daemon.</summary>
    public string Upstream
    {
        get => _upstream;
        set => _upstream = value;
    }

    public string Endpoint => "unix://" + SocketPath;

    /// <summary>Runs before an allowed request goes to dockerd; gets the method and the path without query.</summary>
    public Func<string, string, Task>? BeforeForward { get; set; }

    public IReadOnlyList<(string Method, string Target, bool Allowed)> Calls
    {
        get { lock (_calls) { return [.. _calls]; } }
    }

    public static bool IsAllowed(string method, string target) => method == "GET" && AllowedTarget().IsMatch(target);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        File.Delete(SocketPath);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                using var stream = new NetworkStream(client, ownsSocket: false);

                // Keeps the client's connection alive across requests, as a real socket proxy does.
                while (await ReadRequestAsync(stream) is { } request)
                {
                    if (!await AnswerAsync(stream, request.Head, request.Body))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // dockerd gone mid-call: the client sees its connection close, as it would without the proxy.
            }
        }
    }

    /// <summary>Answers one request; false when the client connection must close.</summary>
    private async Task<bool> AnswerAsync(NetworkStream stream, string head, byte[] body)
    {
        string[] requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
        string method = requestLine[0];
        string target = requestLine.Length > 1 ? requestLine[1] : string.Empty;
        bool allowed = IsAllowed(method, target);
        lock (_calls)
        {
            _calls.Add((method, target, allowed));
        }

        if (!allowed)
        {
            byte[] refusal = "{\"message\":\"refused by the test proxy: only read calls are allowed\"}"u8.ToArray();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: {refusal.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
            await stream.WriteAsync(refusal, _stop.Token);
            return false;
        }

        if (BeforeForward is { } hook)
        {
            await hook(method, target.Split('?')[0]);
        }

        // One upstream connection per request, read to its end; the answer goes back without its
        // Connection: close, so the client may keep its own connection.
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_upstream), _stop.Token);
        using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
        string forwarded = ConnectionHeader().Replace(head, string.Empty).Replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", StringComparison.Ordinal);
        await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded), _stop.Token);

        // Only a body that exists is written: dockerd answers a GET and closes as soon as it has the head,
        // so a second, empty write could meet the closed socket (EPIPE) and lose an answer already sent.
        if (body.Length > 0)
        {
            await upstreamStream.WriteAsync(body, _stop.Token);
        }

        using var answer = new MemoryStream();
        await upstreamStream.CopyToAsync(answer, _stop.Token);
        byte[] bytes = answer.ToArray();
        int headEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return false;
        }

        // The client's own connection stays open unless it asked for a close, or the answer has no framing of its own
        // (then only the close ends it), as an HTTP proxy does.
        string responseHead = ConnectionHeader().Replace(Encoding.ASCII.GetString(bytes, 0, headEnd + 4), string.Empty);
        bool framed = ContentLength().IsMatch(responseHead) || responseHead.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
        bool close = !framed || CloseRequested().IsMatch(head);
        if (close)
        {
            responseHead = responseHead[..^2] + "Connection: close\r\n\r\n";
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(responseHead), _stop.Token);
        await stream.WriteAsync(bytes.AsMemory(headEnd + 4), _stop.Token);
        return !close;
    }

    private static async Task<(string Head, byte[] Body)?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        byte[] one = new byte[1];
        while (buffer.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n')
            {
                string head = Encoding.ASCII.GetString([.. buffer]);
                Match length = ContentLength().Match(head);
                byte[] body = new byte[length.Success ? int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0];
                await stream.ReadExactlyAsync(body);
                return (head, body);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(/v[0-9.]+)?/(containers/json|containers/[A-Za-z0-9_.-]+/json|_ping|version)(\?.*)?$")]
    private static partial Regex AllowedTarget();

    [GeneratedRegex(@"(?im)^connection:[^\r\n]*\r\n")]
    private static partial Regex ConnectionHeader();

    [GeneratedRegex(@"(?im)^connection:\s*close\s*\r\n")]
    private static partial Regex CloseRequested();

    [GeneratedRegex(@"(?im)^content-length:\s*(\d+)")]
    private static partial Regex ContentLength();
}
