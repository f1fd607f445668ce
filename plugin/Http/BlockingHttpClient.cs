using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ExecdJvb.Configuration;

namespace ExecdJvb.Http;

/// <summary>
/// GETs a JVB endpoint (or the Docker API on its Unix socket) with blocking calls on the calling thread: connect, send
/// one HTTP/1.1 request with <c>Connection: close</c>, read the answer to its end. A gather of one JVB then costs one
/// thread and a wake-up per answer, where an HttpClient hands every request across its socket engine and pool threads.
/// Each request is bounded by the timeout, each body by the size cap; bodies land in pooled buffers the caller gives back.
/// </summary>
internal sealed class BlockingHttpClient(TimeSpan timeout, long maxBodySize)
{
    /// <summary>What a colibri document, /about/health and /about/version answer: JSON.</summary>
    public const string JsonAccept = "application/json";

    /// <summary>
    /// The Prometheus text format, asked for explicitly: the JVB's /metrics picks its format from Accept (jicoco-metrics
    /// Prometheus.java serves JSON for application/json and OpenMetrics for its own type), and older JVBs fail without one.
    /// </summary>
    public const string PrometheusTextAccept = "text/plain; version=0.0.4";

    private const int FirstBufferSize = 16 * 1024;

    private readonly int _timeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
    private readonly HttpAnswerReader _answers = new(maxBodySize);

    /// <summary>
    /// GETs the URL with the given Accept header. On success the body is in <see cref="FetchResult.Body"/>, a pooled
    /// buffer the caller must return with <see cref="FetchResult.Release"/>; with <paramref name="keepErrorBody"/>, the
    /// first bytes of an error answer's body are kept the same way (a failed health check says why in its body).
    /// <paramref name="stopping"/> cuts a request short by shutting its socket down.
    /// </summary>
    public FetchResult Fetch(Uri url, string accept, bool keepErrorBody, CancellationToken stopping) =>
        Checked(FetchOnce(url, null, accept, keepErrorBody, stopping), stopping);

    /// <summary>
    /// GETs <paramref name="pathAndQuery"/> over a Unix domain socket (the Docker API), error bodies kept; a connect
    /// that fails throws its <see cref="SocketException"/>, which says more about a socket (missing, no permission) than a cause.
    /// </summary>
    public FetchResult FetchLocal(UnixDomainSocketEndPoint socketPath, string pathAndQuery, string accept, CancellationToken stopping) =>
        Checked(FetchOnce(new Uri("http://localhost" + pathAndQuery), socketPath, accept, keepErrorBody: true, stopping), stopping);

    private static FetchResult Checked(FetchResult result, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
        {
            // A request cut short ends in a closed connection; that is the plugin stopping, not the JVB failing.
            result.Release();
            stopping.ThrowIfCancellationRequested();
        }

        return result;
    }

    private FetchResult FetchOnce(Uri url, UnixDomainSocketEndPoint? local, string accept, bool keepErrorBody, CancellationToken stopping)
    {
        long deadline = Environment.TickCount64 + _timeoutMs;
        Socket? socket;
        if (local is null)
        {
            FetchFailure? failure = Connect(url, deadline, out socket);
            if (failure is not null)
            {
                return FetchResult.Failed(failure);
            }
        }
        else
        {
            // A local socket answers a connect at once or refuses it, unless its listener's backlog is full (a daemon
            // that hangs): the send timeout bounds that wait too.
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { SendTimeout = _timeoutMs };
            try
            {
                socket.Connect(local);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        SslStream? tls = null;
        byte[]? buffer = null;
        try
        {
            using CancellationTokenRegistration cut = stopping.UnsafeRegister(static state => Cut((Socket)state!), socket);
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                tls = new SslStream(new NetworkStream(socket!, ownsSocket: false));
                socket!.ReceiveTimeout = HttpAnswerReader.Remaining(deadline);
                socket.SendTimeout = HttpAnswerReader.Remaining(deadline);
                tls.AuthenticateAsClient(url.IdnHost);
            }

            Send(socket!, tls, Request(url, accept));
            buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize);
            FetchResult result = _answers.Read(socket!, tls, ref buffer, deadline, keepErrorBody);
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
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            stopping.ThrowIfCancellationRequested();
            return FetchResult.Failed(ex is IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } }
                ? TimedOut()
                : ex is System.Security.Authentication.AuthenticationException
                    ? new FetchFailure(FetchFailureKind.Tls, $"the TLS handshake failed ({ex.Message})")
                    : new FetchFailure(FetchFailureKind.Broken, $"the connection broke while reading the answer ({(ex.InnerException ?? ex).Message})"));
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

    private FetchFailure TimedOut() => new(FetchFailureKind.TimedOut, $"no complete answer within {GoDuration.Format(timeout)} (timeout)");

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
                return new FetchFailure(FetchFailureKind.Dns, "the host name does not resolve");
            }

            if (addresses.Length == 0)
            {
                return new FetchFailure(FetchFailureKind.Dns, "the host name does not resolve");
            }
        }

        FetchFailure? failure = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            failure = ConnectOne(socket, new IPEndPoint(address, url.Port), deadline);
            if (failure is null)
            {
                connected = socket;
                return null;
            }

            socket.Dispose();
            if (failure.Kind == FetchFailureKind.TimedOut)
            {
                break;
            }
        }

        return failure;
    }

    /// <summary>
    /// A blocking connect bounded by the send timeout, which Linux applies to connect (it then fails with EINPROGRESS). A
    /// non-blocking connect would cost an exception for every connection (.NET reports its EINPROGRESS by throwing).
    /// </summary>
    private FetchFailure? ConnectOne(Socket socket, IPEndPoint endpoint, long deadline)
    {
        socket.SendTimeout = HttpAnswerReader.Remaining(deadline);
        try
        {
            socket.Connect(endpoint);
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress or SocketError.TimedOut)
        {
            return TimedOut();
        }
        catch (SocketException ex)
        {
            return Describe(ex.SocketErrorCode);
        }
    }

    private static FetchFailure Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => new FetchFailure(FetchFailureKind.Refused, "connection refused (is it running and listening on that port?)"),
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => new FetchFailure(FetchFailureKind.Unreachable, "host unreachable"),
        SocketError.TimedOut => new FetchFailure(FetchFailureKind.TimedOut, "connecting timed out"),
        _ => new FetchFailure(FetchFailureKind.Socket, $"connecting failed ({error})") { SocketError = error },
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
}
