using ExecdJvb.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.NativeHttp;
using Docker.DotNet;
using ExecdJvb.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// The two read-only Docker API calls discovery makes. On the Unix socket, the usual case, a blocking GET on the gather
/// thread, as the JVBs are read: through HttpClient the list call cost about a hundred context switches and four times
/// the CPU of the whole gather's floor. A tcp:// endpoint (a socket proxy, or dockerd with TLS from
/// <see cref="DockerTls"/>) goes through Docker.DotNet's native transport (SocketsHttpHandler). DockerClient itself is
/// not used: its serializer roots every Docker model into the binary, which more than doubled its size.
/// </summary>
internal sealed class DockerApiClient : IDisposable
{
    // A list of a few hundred containers is well under a megabyte; anything near this is not Docker.
    private const int MaxAnswerSize = 32 * 1024 * 1024;

    private const string RunningOnly = "containers/json?filters=" + "%7B%22status%22%3A%7B%22running%22%3Atrue%7D%7D";

    private readonly HttpClient? _http;
    private readonly UnixDomainSocketEndPoint? _socket;
    private readonly BlockingHttpClient? _local;
    private readonly TimeSpan _timeout;

    public DockerApiClient(Uri endpoint, DockerTls? tls, TimeSpan timeout)
    {
        _timeout = timeout;
        if (string.Equals(endpoint.Scheme, "unix", StringComparison.OrdinalIgnoreCase))
        {
            _socket = new UnixDomainSocketEndPoint(endpoint.LocalPath);
            _local = new BlockingHttpClient(timeout, MaxAnswerSize);
            return;
        }

        var options = new ResolvedClientOptions
        {
            Endpoint = endpoint,
            AuthProvider = (IAuthProvider?)tls ?? NoopAuthProvider.Instance,
            Timeout = timeout,
        };

        // The native transport (SocketsHttpHandler): its SslOptions take the certificates.
        var transportOptions = new NativeHttpTransportOptions();

        ResolvedTransport transport = global::Docker.DotNet.NativeHttp.DockerHandlerFactory.Instance.CreateHandler(transportOptions, options, NullLogger.Instance);
        _http = new HttpClient(options.AuthProvider.ConfigureHandler(transport.Handler), disposeHandler: true)
        {
            BaseAddress = transport.EffectiveEndpoint,
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxAnswerSize,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(AppInfo.Name, AppInfo.Version));
    }

    /// <summary>GET /containers/json for running containers only: the answer's bytes, for the caller to compare and parse.</summary>
    public byte[] ListRunning(CancellationToken cancellationToken) => Get(RunningOnly, cancellationToken);

    /// <summary>GET /containers/{id}/json; a container removed meanwhile throws <see cref="DockerContainerNotFoundException"/>.</summary>
    public DockerContainerInspect? Inspect(string id, CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize(Get($"containers/{Uri.EscapeDataString(id)}/json", cancellationToken), DockerJsonContext.Default.DockerContainerInspect);

    public void Dispose() => _http?.Dispose();

    /// <summary>
    /// A blocking GET: discovery runs on the gather thread, and nothing else waits for it meanwhile. The timeout bounds
    /// the call; a container removed meanwhile throws <see cref="DockerContainerNotFoundException"/>.
    /// </summary>
    private byte[] Get(string pathAndQuery, CancellationToken cancellationToken)
    {
        if (_local is not null)
        {
            return GetLocal(pathAndQuery, cancellationToken);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        cancellationToken = deadline.Token;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pathAndQuery, UriKind.Relative));
        using HttpResponseMessage response = _http!.Send(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        byte[] body = ReadAll(response.Content.ReadAsStream(cancellationToken));
        ThrowUnlessSuccess(response.StatusCode, pathAndQuery, body);
        return body;
    }

    private byte[] GetLocal(string pathAndQuery, CancellationToken cancellationToken)
    {
        FetchResult answer = _local!.FetchLocal(_socket!, "/" + pathAndQuery, "application/json", cancellationToken);
        try
        {
            if (answer.Status == 0 || (answer.Failure is not null && answer.Status is >= 200 and < 300))
            {
                FetchFailure failure = answer.Failure!;
                throw failure.Kind switch
                {
                    FetchFailureKind.TimedOut => new TimeoutException(failure.Message),
                    FetchFailureKind.NotHttp or FetchFailureKind.HeadersTooLarge => new HttpRequestException(HttpRequestError.InvalidResponse, failure.Message),
                    _ => new IOException(failure.Message),
                };
            }

            byte[] body = answer.Body.ToArray();
            ThrowUnlessSuccess((HttpStatusCode)answer.Status, pathAndQuery, body);
            return body;
        }
        finally
        {
            answer.Release();
        }
    }

    private static void ThrowUnlessSuccess(HttpStatusCode status, string pathAndQuery, byte[] body)
    {
        if ((int)status is >= 200 and < 300)
        {
            return;
        }

        string text = System.Text.Encoding.UTF8.GetString(body);
        throw status == HttpStatusCode.NotFound && pathAndQuery.StartsWith("containers/", StringComparison.Ordinal) && pathAndQuery != RunningOnly
            ? new DockerContainerNotFoundException(status, text)
            : new DockerApiException(status, text);
    }

    private static byte[] ReadAll(Stream content)
    {
        using (content)
        {
            // Buffered by ResponseContentRead, so the length is known; the copy is for content that is not.
            if (content.CanSeek)
            {
                byte[] exact = new byte[content.Length - content.Position];
                content.ReadExactly(exact);
                return exact;
            }

            using var copy = new MemoryStream();
            content.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
