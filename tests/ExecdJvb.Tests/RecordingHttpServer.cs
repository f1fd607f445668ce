using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ExecdJvb.Tests;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 that records every request line as sent (method and target, query included,
/// still URL-encoded) and answers each with what <paramref name="answer"/> gives for its target: a stand-in for the
/// Docker API reached as a tcp:// endpoint. Connections are kept alive, as dockerd keeps them.
/// </summary>
internal sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, StubResponse> _answer;
    private readonly Lock _lock = new();
    private readonly List<string> _requests = [];
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;

    public RecordingHttpServer(Func<string, StubResponse> answer)
    {
        _answer = answer;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public string Endpoint => $"tcp://127.0.0.1:{Port}";

    /// <summary>The request lines received so far, without the HTTP version: "GET /containers/json?filters=…".</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_lock)
        {
            _clients.ForEach(client => client.Dispose());
        }

        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_lock)
            {
                _clients.Add(client);
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                NetworkStream stream = client.GetStream();
                byte[] buffer = new byte[64 * 1024];
                int filled = 0;
                while (!_stop.IsCancellationRequested)
                {
                    int headerEnd;
                    while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        int read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                        if (read == 0 || filled + read == buffer.Length)
                        {
                            return;
                        }

                        filled += read;
                    }

                    string requestLine = Encoding.ASCII.GetString(buffer, 0, buffer.AsSpan(0, headerEnd).IndexOf("\r\n"u8) is var end and >= 0 ? end : headerEnd);
                    int consumed = headerEnd + 4;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;

                    string[] parts = requestLine.Split(' ');
                    string methodAndTarget = parts.Length >= 2 ? $"{parts[0]} {parts[1]}" : requestLine;
                    lock (_lock)
                    {
                        _requests.Add(methodAndTarget);
                    }

                    StubResponse response = _answer(parts.Length >= 2 ? parts[1] : string.Empty);
                    byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 {response.Status} {response.Reason}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {response.Body.Length}\r\n\r\n");
                    await stream.WriteAsync((byte[])[.. head, .. response.Body], _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
