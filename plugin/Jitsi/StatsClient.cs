using System.Buffers;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net;
using ExecdJvb.Configuration;
using ExecdJvb.Execd;

namespace ExecdJvb.Jitsi;

/// <summary>
/// Fetches JVB answers over one reused HttpClient (kept-alive connections), each request bounded by the
/// timeout and each body by the size cap. Bodies land in pooled buffers the caller gives back.
/// </summary>
internal sealed class StatsClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly long _maxBodySize;

    public StatsClient(TimeSpan timeout, long maxBodySize)
    {
        _timeout = timeout;
        _maxBodySize = maxBodySize;
        var handler = new SocketsHttpHandler
        {
            // The JVB is local; an http_proxy meant for the internet must not capture it.
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            // A JVB restarted at the same address must get a fresh connection eventually.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxResponseHeadersLength = 64,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("execd-jvb", AppInfo.Version));
    }

    /// <summary>What a colibri document, /about/health and /about/version answer: JSON.</summary>
    public const string JsonAccept = "application/json";

    /// <summary>
    /// The Prometheus text format, asked for explicitly: the JVB's /metrics picks its format from Accept (jicoco-metrics
    /// Prometheus.java serves JSON for application/json and OpenMetrics for its own type), and older JVBs fail without one.
    /// </summary>
    public const string PrometheusTextAccept = "text/plain; version=0.0.4";

    /// <summary>An error page is read only this far: enough for a health check's reason, never a large page whole.</summary>
    private const int ErrorBodyLimit = 4096;

    /// <summary>
    /// GETs the URL with the given Accept header. On success the body is in <see cref="FetchResult.Body"/>, a pooled
    /// buffer the caller must return with <see cref="FetchResult.Release"/>; with <paramref name="keepErrorBody"/>, the
    /// first bytes of an error answer's body are kept the same way (a failed health check says why in its body).
    /// </summary>
    public async Task<FetchResult> FetchAsync(Uri url, string accept, bool keepErrorBody, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_timeout);
        byte[]? buffer = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            if (!string.IsNullOrEmpty(url.UserInfo))
            {
                // user:password in a URL means basic authentication (a JVB behind a reverse proxy).
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo))));
            }

            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                FetchFailure failure = StatusFailure(url, response.StatusCode, response.ReasonPhrase);
                if (!keepErrorBody)
                {
                    return FetchResult.Failed(failure, status);
                }

                (buffer, int errorLength) = await ReadBodyAsync(response, ErrorBodyLimit, deadline.Token).ConfigureAwait(false);
                FetchResult withBody = FetchResult.Failed(failure, status, buffer, Math.Min(errorLength, ErrorBodyLimit));
                buffer = null;
                return withBody;
            }

            long? announced = response.Content.Headers.ContentLength;
            if (announced > _maxBodySize)
            {
                return FetchResult.Failed(TooLarge($"the answer announces {announced} bytes, more"), status);
            }

            (buffer, int length) = await ReadBodyAsync(response, _maxBodySize, deadline.Token).ConfigureAwait(false);
            if (length > _maxBodySize)
            {
                return FetchResult.Failed(TooLarge("the answer is larger"), status);
            }

            FetchResult result = FetchResult.Succeeded(status, buffer, length);
            buffer = null;
            return result;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return FetchResult.Failed(new FetchFailure("timeout", $"no complete answer within {GoDuration.Format(_timeout)} (timeout)"));
        }
        catch (HttpRequestException ex)
        {
            return FetchResult.Failed(Describe(ex));
        }
        catch (IOException ex)
        {
            return FetchResult.Failed(new FetchFailure("broken", $"the connection broke while reading the answer ({ex.Message})"));
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Reads the body into a pooled buffer, stopping as soon as it holds more than <paramref name="limit"/> bytes (the
    /// length returned then exceeds the limit). The buffer goes back to the pool if reading fails.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpResponseMessage response, long limit, CancellationToken deadline)
    {
        long? announced = response.Content.Headers.ContentLength;
        int capacity = (int)Math.Min(limit + 1, announced is > 0 ? announced.Value + 1 : 16 * 1024);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(capacity);
        int length = 0;
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(deadline).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (length <= limit)
                {
                    if (length == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, (long)buffer.Length * 2));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    int read = await body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length - length, limit + 1 - length)), deadline).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private FetchFailure TooLarge(string what) =>
        new("too-large", $"{what} than max_body_size ({_maxBodySize} bytes); is this really a JVB stats URL?");

    private static FetchFailure StatusFailure(Uri url, HttpStatusCode status, string? reason)
    {
        string message = $"HTTP {(int)status} {reason}".TrimEnd();
        if (status == HttpStatusCode.NotFound && url.AbsolutePath.EndsWith("/colibri/stats", StringComparison.Ordinal))
        {
            message += ": the JVB's colibri REST API is off; enable it with COLIBRI_REST_ENABLED=true in docker-jitsi-meet's .env (videobridge.apis.rest.enabled = true in jvb.conf)";
        }
        else if (status == HttpStatusCode.NotFound && url.AbsolutePath.EndsWith("/metrics", StringComparison.Ordinal))
        {
            message += ": the JVB's /metrics is off; enable it with videobridge.rest.prometheus.enabled = true in jvb.conf";
        }
        else if (status == HttpStatusCode.NotFound)
        {
            message += ": check stats_path";
        }

        return new FetchFailure($"http-{(int)status}", message);
    }

    private static FetchFailure Describe(HttpRequestException ex)
    {
        SocketError? socketError = (ex.InnerException as SocketException)?.SocketErrorCode;
        return (ex.HttpRequestError, socketError) switch
        {
            (_, SocketError.ConnectionRefused) => new FetchFailure("refused", "connection refused (is the JVB running and listening on that port?)"),
            (_, SocketError.HostUnreachable or SocketError.NetworkUnreachable) => new FetchFailure("unreachable", "host unreachable"),
            (_, SocketError.TimedOut) => new FetchFailure("timeout", "connecting timed out"),
            (HttpRequestError.NameResolutionError, _) => new FetchFailure("dns", "the host name does not resolve"),
            (HttpRequestError.ResponseEnded, _) => new FetchFailure("closed", "the connection closed before a complete answer"),
            (HttpRequestError.InvalidResponse, _) => new FetchFailure("not-http", "the answer is not HTTP"),
            (HttpRequestError.ConfigurationLimitExceeded, _) => new FetchFailure("headers", "the answer's headers are too large"),
            _ => new FetchFailure($"http-error-{ex.HttpRequestError}", StderrLog.OneLine(ex.InnerException?.Message ?? ex.Message)),
        };
    }

    public void Dispose() => _http.Dispose();
}
