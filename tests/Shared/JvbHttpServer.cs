using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The tests' one stub HTTP/1.1 server on 127.0.0.1 (kept-alive connections, like the JVB's Jetty and dockerd) whose
/// answer the test sets; stopping it makes the port refuse connections, starting it again reuses the same port.
/// <see cref="Response"/> answers the stats path (any path without a route of its own) and <see cref="Requests"/>
/// counts those requests; /metrics, /about/health and /about/version answer 404, as from a JVB with those APIs off,
/// unless a test gives them a <see cref="Route"/>, and are counted apart (<see cref="RequestsTo"/>). Made with an
/// answer function instead, it has no routes and answers every request by its target (a Docker API stand-in, or a
/// port that hangs up on every request with <see cref="StubResponse.Hangup"/>). Every request line is recorded.
/// </summary>
internal sealed class JvbHttpServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Dictionary<string, StubResponse> _routes = new(StringComparer.Ordinal)
    {
        ["/metrics"] = StubResponse.NotFound(),
        ["/about/health"] = StubResponse.NotFound(),
        ["/about/version"] = StubResponse.NotFound(),
    };

    private readonly Dictionary<string, int> _requestsByPath = new(StringComparer.Ordinal);
    private readonly List<string> _requestLines = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly Func<string, StubResponse>? _answer;
    private readonly Dictionary<string, string> _acceptByPath = new(StringComparer.Ordinal);
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();
    private Task _accepting = Task.CompletedTask;
    private StubResponse _response;
    private int _requests;

    public JvbHttpServer(StubResponse response)
        : this(response, 0)
    {
    }

    /// <summary>On a given port of 127.0.0.1 (a component's well-known one), or a free one for 0.</summary>
    public JvbHttpServer(StubResponse response, int port)
    {
        _response = response;
        Start(port);
    }

    /// <summary>Answers every request with what <paramref name="answer"/> gives for its target (path and query, as sent).</summary>
    public JvbHttpServer(Func<string, StubResponse> answer)
    {
        _answer = answer;
        _response = StubResponse.NotFound();
        _routes.Clear();
        Start(0);
    }

    public int Port { get; private set; }

    public string StatsUrl => $"http://127.0.0.1:{Port}/colibri/stats";

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The server as a Docker endpoint (DOCKER_HOST form).</summary>
    public string Endpoint => $"tcp://127.0.0.1:{Port}";

    /// <summary>Every request line received so far, without the HTTP version: "GET /containers/json?filters=…".</summary>
    public IReadOnlyList<string> RequestLines
    {
        get { lock (_lock) { return [.. _requestLines]; } }
    }

    public int Requests => Volatile.Read(ref _requests);

    public StubResponse Response
    {
        get { lock (_lock) { return _response; } }
        set { lock (_lock) { _response = value; } }
    }

    /// <summary>Answers <paramref name="path"/> (without query) with its own response from now on.</summary>
    public void Route(string path, StubResponse response)
    {
        lock (_lock)
        {
            _routes[path] = response;
        }
    }

    /// <summary>Requests that arrived for the path, whichever response answered them.</summary>
    public int RequestsTo(string path)
    {
        lock (_lock)
        {
            return _requestsByPath.GetValueOrDefault(path);
        }
    }

    /// <summary>The Accept header of the last request for the path, or null (none came, or it had none).</summary>
    public string? AcceptOf(string path)
    {
        lock (_lock)
        {
            return _acceptByPath.GetValueOrDefault(path);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (each request wakes it), or the timeout.</summary>
    public async Task<bool> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (Requests >= count)
            {
                return true;
            }

            _waiters.Add((count, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove((count, reached));
            }
        }
    }

    /// <summary>Listens again on the same port after <see cref="StopAsync"/>.</summary>
    public void Restart() => Start(Port);

    /// <summary>Closes the listener and every open connection: the port now refuses connections.</summary>
    public async Task StopAsync()
    {
        await _running.CancelAsync();
        _listener?.Stop();
        lock (_lock)
        {
            foreach (TcpClient client in _clients)
            {
                client.Dispose();
            }

            _clients.Clear();
        }

        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Start(int port)
    {
        _running = new CancellationTokenSource();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(listener, _running.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            lock (_lock)
            {
                _clients.Add(client);
            }

            _ = ServeAsync(client, stop);
        }
    }

    /// <summary>The request line and headers of the last request, as they came.</summary>
    public string? LastRequestHead
    {
        get { lock (_lock) { return _lastRequestHead; } }
        private set { _lastRequestHead = value; }
    }

    private string? _lastRequestHead;

    /// <summary>Bytes of generated bodies sent so far (to prove a large answer was not read whole).</summary>
    public long StreamedBytes => Interlocked.Read(ref _streamed);

    private long _streamed;

    /// <summary>Writes one answer; false when the connection must close afterwards.</summary>
    private async Task<bool> AnswerAsync(NetworkStream stream, StubResponse response, CancellationToken stop)
    {
        if (response.Raw is { } raw)
        {
            await stream.WriteAsync(raw, stop);
            return false;
        }

        if (response.StreamedLength > 0)
        {
            // Chunked, no Content-Length: the client only learns the size by reading.
            string chunkedHead = $"HTTP/1.1 {response.Status} {response.Reason}\r\nContent-Type: {response.ContentType}\r\nTransfer-Encoding: chunked\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(chunkedHead), stop);
            byte[] chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)' ');
            chunk[0] = (byte)'{';
            byte[] chunkHeader = Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n");
            for (long sent = 0; sent < response.StreamedLength; sent += chunk.Length)
            {
                await stream.WriteAsync(chunkHeader, stop);
                await stream.WriteAsync(chunk, stop);
                await stream.WriteAsync("\r\n"u8.ToArray(), stop);
                Interlocked.Add(ref _streamed, chunk.Length);
                chunk[0] = (byte)' ';
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), stop);
            return true;
        }

        byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 {response.Status} {response.Reason}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {response.Body.Length}\r\n\r\n");
        byte[] whole = [.. head, .. response.Body];
        if (response.BytesPerSecond > 0)
        {
            foreach (byte b in whole)
            {
                await stream.WriteAsync(new[] { b }, stop);
                await Task.Delay(1000 / response.BytesPerSecond, stop);
            }

            return true;
        }

        // One write: head and body in separate segments would meet Nagle and delayed ACK (40 ms a request).
        await stream.WriteAsync(whole, stop);
        return true;
    }

    /// <summary>Counts the request by its path and picks the response for it.</summary>
    private StubResponse Classify(string head)
    {
        string[] lines = head.Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        string target = requestLine.Length > 1 ? requestLine[1] : string.Empty;
        string path = target.Split('?')[0];
        string? accept = lines.Skip(1).Where(line => line.StartsWith("Accept:", StringComparison.OrdinalIgnoreCase)).Select(line => line["Accept:".Length..].Trim()).FirstOrDefault();
        lock (_lock)
        {
            LastRequestHead = head;
            _requestLines.Add(requestLine.Length > 1 ? $"{requestLine[0]} {requestLine[1]}" : lines[0]);
            _requestsByPath[path] = _requestsByPath.GetValueOrDefault(path) + 1;
            if (accept is null)
            {
                _acceptByPath.Remove(path);
            }
            else
            {
                _acceptByPath[path] = accept;
            }

            if (_routes.TryGetValue(path, out StubResponse? routed))
            {
                return routed;
            }

            int requests = Interlocked.Increment(ref _requests);
            foreach ((int count, TaskCompletionSource reached) in _waiters)
            {
                if (requests >= count)
                {
                    reached.TrySetResult();
                }
            }

            return _answer is null ? _response : _answer(target);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        try
        {
            using (client)
            {
                NetworkStream stream = client.GetStream();
                byte[] buffer = new byte[64 * 1024];
                int filled = 0;
                while (!stop.IsCancellationRequested)
                {
                    int headerEnd;
                    while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        int read = await stream.ReadAsync(buffer.AsMemory(filled), stop);
                        if (read == 0 || filled + read == buffer.Length)
                        {
                            return;
                        }

                        filled += read;
                    }

                    StubResponse response = Classify(Encoding.ASCII.GetString(buffer, 0, headerEnd));
                    int consumed = headerEnd + 4;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;

                    if (response.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(response.Delay, stop);
                    }

                    if (!await AnswerAsync(stream, response, stop))
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
