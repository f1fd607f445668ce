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
/// The two read-only Docker API calls discovery makes, over Docker.DotNet's native transport (SocketsHttpHandler,
/// on the Unix socket or tcp:// with TLS from <see cref="DockerTls"/>). DockerClient itself is not used: its
/// serializer roots every Docker model into the binary, which more than doubled its size.
/// </summary>
internal sealed class DockerApiClient : IDisposable
{
    // A list of a few hundred containers is well under a megabyte; anything near this is not Docker.
    private const int MaxAnswerSize = 32 * 1024 * 1024;

    private const string RunningOnly = "containers/json?filters=" + "%7B%22status%22%3A%7B%22running%22%3Atrue%7D%7D";

    private readonly HttpClient _http;

    public DockerApiClient(Uri endpoint, DockerTls? tls, TimeSpan timeout)
    {
        bool unix = string.Equals(endpoint.Scheme, "unix", StringComparison.OrdinalIgnoreCase);
        var options = new ResolvedClientOptions
        {
            Endpoint = unix ? new Uri("http://docker.sock/") : endpoint,
            AuthProvider = (IAuthProvider?)tls ?? NoopAuthProvider.Instance,
            Timeout = timeout,
        };

        // Both go through the native transport (SocketsHttpHandler): its SslOptions take the certificates for tcp://,
        // and for the Unix socket it keeps the connection alive, where Docker.DotNet's Unix transport opened one per
        // request (measured: a list call took 250-300 us that way, 120-135 us kept alive).
        var socket = unix ? new UnixDomainSocketEndPoint(endpoint.LocalPath) : null;
        var transportOptions = new NativeHttpTransportOptions
        {
            ConfigureHandler = handler =>
            {
                if (socket is not null)
                {
                    handler.ConnectCallback = (_, cancel) => ConnectAsync(socket, cancel);
                }
            },
        };

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

    public void Dispose() => _http.Dispose();

    private static async ValueTask<Stream> ConnectAsync(UnixDomainSocketEndPoint socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(socketPath, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A blocking GET. Discovery runs on the gather thread and the list call is the longest step of a gather: a blocking
    /// read is woken by the socket engine directly, where an awaited one continues on a pool thread that has to be woken
    /// as well (measured on 2 cores: the gather's p50 went from about 1.4 to about 1.25 times the floor).
    /// </summary>
    private byte[] Get(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pathAndQuery, UriKind.Relative));
        using HttpResponseMessage response = _http.Send(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        byte[] body = ReadAll(response.Content.ReadAsStream(cancellationToken));
        if (!response.IsSuccessStatusCode)
        {
            string text = System.Text.Encoding.UTF8.GetString(body);
            throw response.StatusCode == HttpStatusCode.NotFound && pathAndQuery.StartsWith("containers/", StringComparison.Ordinal) && pathAndQuery != RunningOnly
                ? new DockerContainerNotFoundException(response.StatusCode, text)
                : new DockerApiException(response.StatusCode, text);
        }

        return body;
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
