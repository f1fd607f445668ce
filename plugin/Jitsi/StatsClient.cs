using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ExecdJvb.Configuration;

namespace ExecdJvb.Jitsi;

/// <summary>
/// GETs a JVB endpoint with blocking calls on the calling thread: connect, send one HTTP/1.1 request with
/// <c>Connection: close</c>, read the answer to its end. A gather of one JVB then costs one thread and a wake-up per
/// answer, where an HttpClient hands every request across its socket engine and pool threads. Each request is bounded
/// by the timeout, each body by the size cap; bodies land in pooled buffers the caller gives back.
/// </summary>
internal sealed class StatsClient(TimeSpan timeout, long maxBodySize)
{
    /// <summary>What a colibri document, /about/health and /about/version answer: JSON.</summary>
    public const string JsonAccept = "application/json";

    /// <summary>
    /// The Prometheus text format, asked for explicitly: the JVB's /metrics picks its format from Accept (jicoco-metrics
    /// Prometheus.java serves JSON for application/json and OpenMetrics for its own type), and older JVBs fail without one.
    /// </summary>
    public const string PrometheusTextAccept = "text/plain; version=0.0.4";

    /// <summary>An error page is read only this far: enough for a health check's reason, never a large page whole.</summary>
    private const int ErrorBodyLimit = 4096;

    /// <summary>Status line and headers together; a JVB's are a few hundred bytes.</summary>
    private const int MaxHeaderBytes = 64 * 1024;

    private const int FirstBufferSize = 16 * 1024;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly int _timeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);

    /// <summary>
    /// GETs the URL with the given Accept header. On success the body is in <see cref="FetchResult.Body"/>, a pooled
    /// buffer the caller must return with <see cref="FetchResult.Release"/>; with <paramref name="keepErrorBody"/>, the
    /// first bytes of an error answer's body are kept the same way (a failed health check says why in its body).
    /// <paramref name="stopping"/> cuts a request short by shutting its socket down.
    /// </summary>
    public FetchResult Fetch(Uri url, string accept, bool keepErrorBody, CancellationToken stopping)
    {
        FetchResult result = FetchOnce(url, accept, keepErrorBody, stopping);
        if (stopping.IsCancellationRequested)
        {
            // A request cut short ends in a closed connection; that is the plugin stopping, not the JVB failing.
            result.Release();
            stopping.ThrowIfCancellationRequested();
        }

        return result;
    }

    private FetchResult FetchOnce(Uri url, string accept, bool keepErrorBody, CancellationToken stopping)
    {
        long deadline = Environment.TickCount64 + _timeoutMs;
        Socket? socket = null;
        SslStream? tls = null;
        byte[]? buffer = null;
        try
        {
            FetchFailure? failure = Connect(url, deadline, out socket);
            if (failure is not null)
            {
                return FetchResult.Failed(failure);
            }

            using CancellationTokenRegistration cut = stopping.UnsafeRegister(static state => Cut((Socket)state!), socket);
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                tls = new SslStream(new NetworkStream(socket!, ownsSocket: false));
                socket!.ReceiveTimeout = Remaining(deadline);
                socket.SendTimeout = Remaining(deadline);
                tls.AuthenticateAsClient(url.IdnHost);
            }

            Send(socket!, tls, Request(url, accept));
            buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize);
            FetchResult result = ReadAnswer(url, socket!, tls, ref buffer, deadline, keepErrorBody);
            if (result.Holds(buffer))
            {
                buffer = null;
            }

            return result;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut || ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return stopping.IsCancellationRequested ? throw new OperationCanceledException(stopping) : FetchResult.Failed(TimedOut());
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            stopping.ThrowIfCancellationRequested();
            return FetchResult.Failed(ex is IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } }
                ? TimedOut()
                : ex is System.Security.Authentication.AuthenticationException
                    ? new FetchFailure("tls", $"the TLS handshake failed ({ex.Message})")
                    : new FetchFailure("broken", $"the connection broke while reading the answer ({(ex.InnerException ?? ex).Message})"));
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            tls?.Dispose();
            socket?.Dispose();
        }
    }

    private FetchFailure TimedOut() => new("timeout", $"no complete answer within {GoDuration.Format(timeout)} (timeout)");

    /// <summary>Connects to the first of the host's addresses that takes the connection, within the deadline.</summary>
    private FetchFailure? Connect(Uri url, long deadline, out Socket? connected)
    {
        connected = null;
        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost, out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = Dns.GetHostAddresses(url.IdnHost);
            }
            catch (SocketException)
            {
                return new FetchFailure("dns", "the host name does not resolve");
            }

            if (addresses.Length == 0)
            {
                return new FetchFailure("dns", "the host name does not resolve");
            }
        }

        FetchFailure? failure = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            failure = ConnectOne(socket, new IPEndPoint(address, url.Port), deadline);
            if (failure is null)
            {
                connected = socket;
                return null;
            }

            socket.Dispose();
            if (failure.Cause == "timeout")
            {
                break;
            }
        }

        return failure;
    }

    /// <summary>A non-blocking connect and a poll for its end: a blocking connect knows no timeout.</summary>
    private FetchFailure? ConnectOne(Socket socket, IPEndPoint endpoint, long deadline)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            if (!socket.Poll(TimeSpan.FromMilliseconds(Remaining(deadline)), SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError))
            {
                return TimedOut();
            }

            var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != SocketError.Success)
            {
                return Describe(error);
            }
        }
        catch (SocketException ex)
        {
            return Describe(ex.SocketErrorCode);
        }

        socket.Blocking = true;
        return null;
    }

    private static FetchFailure Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => new FetchFailure("refused", "connection refused (is the JVB running and listening on that port?)"),
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => new FetchFailure("unreachable", "host unreachable"),
        SocketError.TimedOut => new FetchFailure("timeout", "connecting timed out"),
        _ => new FetchFailure($"socket-{error}", $"connecting failed ({error})"),
    };

    private static void Cut(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Not connected yet, or already done: the deadline ends the wait instead.
        }
    }

    private static int Remaining(long deadline) => (int)Math.Max(1, deadline - Environment.TickCount64);

    private static byte[] Request(Uri url, string accept)
    {
        var text = new StringBuilder(256)
            .Append("GET ").Append(url.PathAndQuery).Append(" HTTP/1.1\r\nHost: ").Append(url.Authority)
            .Append("\r\nUser-Agent: ").Append(AppInfo.Name).Append('/').Append(AppInfo.Version)
            .Append("\r\nAccept: ").Append(accept);
        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            // user:password in a URL means basic authentication (a JVB behind a reverse proxy).
            text.Append("\r\nAuthorization: Basic ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo))));
        }

        return Encoding.UTF8.GetBytes(text.Append("\r\nConnection: close\r\n\r\n").ToString());
    }

    private static void Send(Socket socket, SslStream? tls, byte[] request)
    {
        if (tls is not null)
        {
            tls.Write(request);
            return;
        }

        for (int sent = 0; sent < request.Length;)
        {
            sent += socket.Send(request, sent, request.Length - sent, SocketFlags.None);
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> after <paramref name="length"/> bytes; 0 at the end of the answer.</summary>
    private static int Read(Socket socket, SslStream? tls, byte[] buffer, int length, long deadline)
    {
        int room = buffer.Length - length;
        if (tls is not null)
        {
            socket.ReceiveTimeout = Remaining(deadline);
            return tls.Read(buffer, length, room);
        }

        if (!socket.Poll(TimeSpan.FromMilliseconds(Remaining(deadline)), SelectMode.SelectRead))
        {
            throw new SocketException((int)SocketError.TimedOut);
        }

        return socket.Receive(buffer, length, room, SocketFlags.None);
    }

    private FetchResult ReadAnswer(Uri url, Socket socket, SslStream? tls, ref byte[] buffer, long deadline, bool keepErrorBody)
    {
        // The status line and headers.
        int length = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, length).IndexOf(HeaderEnd)) < 0)
        {
            if (length >= MaxHeaderBytes)
            {
                return FetchResult.Failed(new FetchFailure("headers", "the answer's headers are too large"));
            }

            int read = Read(socket, tls, Grow(ref buffer, length, MaxHeaderBytes + 4), length, deadline);
            if (read == 0)
            {
                return FetchResult.Failed(length == 0 || LooksLikeHttp(buffer.AsSpan(0, length))
                    ? new FetchFailure("closed", "the connection closed before a complete answer")
                    : new FetchFailure("not-http", "the answer is not HTTP"));
            }

            length += read;
        }

        if (!HttpHead.TryParse(buffer.AsSpan(0, headerEnd + 2), out HttpHead head))
        {
            return FetchResult.Failed(new FetchFailure("not-http", "the answer is not HTTP"));
        }

        bool success = head.Status is >= 200 and < 300;
        FetchFailure? failure = success ? null : StatusFailure(url, head.Status, head.Reason);
        if (!success && !keepErrorBody)
        {
            return FetchResult.Failed(failure!, head.Status);
        }

        long limit = success ? maxBodySize : ErrorBodyLimit;
        if (success && head.ContentLength > limit)
        {
            return FetchResult.Failed(TooLarge($"the answer announces {head.ContentLength} bytes, more"), head.Status);
        }

        // The body, to its announced length or to the end of the connection; chunks are joined once it is all in.
        int bodyStart = headerEnd + HeaderEnd.Length;
        long wanted = head.ContentLength ?? long.MaxValue;
        long rawLimit = head.Chunked ? (2 * limit) + 4096 : limit + 1;
        while (length - bodyStart < wanted && length - bodyStart <= rawLimit)
        {
            int read = Read(socket, tls, Grow(ref buffer, length, (int)Math.Min(bodyStart + rawLimit + 1, int.MaxValue)), length, deadline);
            if (read == 0)
            {
                if (head.ContentLength is not null)
                {
                    return success ? FetchResult.Failed(new FetchFailure("closed", "the connection closed before a complete answer")) : FetchResult.Failed(failure!, head.Status);
                }

                break;
            }

            length += read;
        }

        int bodyLength = (int)Math.Min(length - bodyStart, wanted);
        if (head.Chunked)
        {
            bodyLength = ChunkedBody.Join(buffer.AsSpan(bodyStart, bodyLength));
            if (bodyLength < 0)
            {
                return success
                    ? FetchResult.Failed(length - bodyStart > rawLimit ? TooLarge("the answer is larger") : new FetchFailure("closed", "the connection closed before a complete answer"))
                    : FetchResult.Failed(failure!, head.Status);
            }
        }

        if (!success)
        {
            return FetchResult.Failed(failure!, head.Status, buffer, bodyStart, (int)Math.Min(bodyLength, ErrorBodyLimit));
        }

        return bodyLength > maxBodySize
            ? FetchResult.Failed(TooLarge("the answer is larger"), head.Status)
            : FetchResult.Succeeded(head.Status, buffer, bodyStart, bodyLength);
    }

    private static bool LooksLikeHttp(ReadOnlySpan<byte> start) =>
        "HTTP/"u8.StartsWith(start[..Math.Min(start.Length, 5)]);

    /// <summary>The buffer with room after <paramref name="length"/> bytes, up to <paramref name="cap"/> bytes in all.</summary>
    private static byte[] Grow(ref byte[] buffer, int length, int cap)
    {
        if (length < buffer.Length)
        {
            return buffer;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(cap, length + 1), (long)buffer.Length * 2));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
        return buffer;
    }

    private FetchFailure TooLarge(string what) =>
        new("too-large", $"{what} than max_body_size ({maxBodySize} bytes); is this really a JVB stats URL?");

    private static FetchFailure StatusFailure(Uri url, int status, string reason)
    {
        string message = $"HTTP {status} {reason}".TrimEnd();
        if (status == 404 && url.AbsolutePath.EndsWith("/colibri/stats", StringComparison.Ordinal))
        {
            message += ": the JVB's colibri REST API is off; enable it with COLIBRI_REST_ENABLED=true in docker-jitsi-meet's .env (videobridge.apis.rest.enabled = true in jvb.conf)";
        }
        else if (status == 404 && url.AbsolutePath.EndsWith("/metrics", StringComparison.Ordinal))
        {
            message += ": the JVB's /metrics is off; enable it with videobridge.rest.prometheus.enabled = true in jvb.conf";
        }
        else if (status == 404)
        {
            message += ": check stats_path";
        }

        return new FetchFailure($"http-{status}", message);
    }
}
