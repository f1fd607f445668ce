using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>The blocking HTTP/1.1 GET against a server on 127.0.0.1 whose answer the test sets, byte for byte where it matters.</summary>
public sealed class BlockingHttpClientTests : IAsyncDisposable
{
    private static readonly byte[] Colibri = TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json");

    private readonly JvbHttpServer _jvb = new(StubResponse.Json(Colibri));

    public async ValueTask DisposeAsync() => await _jvb.DisposeAsync();

    [Fact]
    public async Task A_body_with_a_content_length_is_read_whole_and_the_request_says_who_asks_and_what_it_accepts()
    {
        FetchResult result = await FetchAsync(_jvb.StatsUrl, BlockingHttpClient.PrometheusTextAccept);

        Assert.Null(result.Failure);
        Assert.Equal(200, result.Status);
        Assert.Equal(Colibri, result.Body.ToArray());
        string head = _jvb.LastRequestHead!;
        Assert.StartsWith("GET /colibri/stats HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nHost: 127.0.0.1:{_jvb.Port}\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nUser-Agent: execd-jvb/{AppInfo.Version}\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAccept: text/plain; version=0.0.4\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_in_the_URL_are_sent_as_basic_authentication()
    {
        await FetchAsync($"http://jvb%20user:p%40ss@127.0.0.1:{_jvb.Port}/colibri/stats");

        string expected = Convert.ToBase64String(Encoding.UTF8.GetBytes("jvb user:p@ss"));
        Assert.Contains($"\r\nAuthorization: Basic {expected}\r\n", _jvb.LastRequestHead!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", "hello, world")]
    [InlineData("5;name=value\r\nhello\r\n0\r\nTrailer: x\r\n\r\n", "hello")]
    [InlineData("0\r\n\r\n", "")]
    public async Task A_chunked_body_is_joined(string chunks, string body)
    {
        _jvb.Response = Raw($"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n{chunks}");

        FetchResult result = await FetchAsync(_jvb.StatsUrl);

        Assert.Null(result.Failure);
        Assert.Equal(body, Encoding.UTF8.GetString(result.Body));
    }

    [Fact]
    public async Task A_body_that_ends_with_the_connection_is_read_to_its_end()
    {
        _jvb.Response = Raw("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"conferences\":2}");

        FetchResult result = await FetchAsync(_jvb.StatsUrl);

        Assert.Null(result.Failure);
        Assert.Equal("{\"conferences\":2}", Encoding.UTF8.GetString(result.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\":1}", nameof(FetchFailureKind.Closed), "the connection closed before a complete answer")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", nameof(FetchFailureKind.Closed), "the connection closed before a complete answer")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", nameof(FetchFailureKind.Closed), "the connection closed before a complete answer")]
    [InlineData("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", nameof(FetchFailureKind.NotHttp), "the answer is not HTTP")]
    [InlineData("HTTP/1.1 abc OK\r\n\r\n", nameof(FetchFailureKind.NotHttp), "the answer is not HTTP")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", nameof(FetchFailureKind.NotHttp), "the answer is not HTTP")]
    [InlineData("", nameof(FetchFailureKind.Closed), "the connection closed before a complete answer")]
    public async Task An_answer_that_is_cut_short_or_not_HTTP_says_so(string raw, string kind, string message)
    {
        _jvb.Response = Raw(raw);

        FetchResult result = await FetchAsync(_jvb.StatsUrl);

        Assert.Equal(new FetchFailure(Enum.Parse<FetchFailureKind>(kind), message), result.Failure);
        Assert.True(result.Body.IsEmpty);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_refused_by_its_announced_length_or_when_it_grows_past_the_cap()
    {
        _jvb.Response = StubResponse.Json(new byte[2048]);
        FetchResult announced = await FetchAsync(_jvb.StatsUrl, maxBodySize: 1024);
        _jvb.Response = new StubResponse(200, "OK", [], StreamedLength: 4 * 1024 * 1024);
        FetchResult streamed = await FetchAsync(_jvb.StatsUrl, maxBodySize: 1024);

        Assert.Equal(FetchFailureKind.TooLarge, announced.Failure?.Kind);
        Assert.Contains("announces 2048 bytes, more than max_body_size (1024 bytes)", announced.Failure?.Message, StringComparison.Ordinal);
        Assert.Equal(FetchFailureKind.TooLarge, streamed.Failure?.Kind);
        Assert.True(_jvb.StreamedBytes < 4 * 1024 * 1024, $"{_jvb.StreamedBytes} bytes were sent: the answer was read whole");
    }

    [Fact]
    public async Task Headers_that_never_end_are_refused()
    {
        _jvb.Response = Raw("HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat("X-Filler: " + new string('x', 1000) + "\r\n", 80)));

        FetchResult result = await FetchAsync(_jvb.StatsUrl);

        Assert.Equal(new FetchFailure(FetchFailureKind.HeadersTooLarge, "the answer's headers are too large"), result.Failure);
    }

    [Fact]
    public async Task An_error_status_names_its_status_and_reason_and_keeps_the_body_only_when_asked()
    {
        _jvb.Response = new StubResponse(503, "Service Unavailable", "Failed to allocate: ICE"u8.ToArray(), "text/plain");

        FetchResult dropped = await FetchAsync(_jvb.StatsUrl);
        FetchResult kept = await Task.Run(() => new BlockingHttpClient(TimeSpan.FromSeconds(5), 1024).Fetch(new Uri(_jvb.StatsUrl), BlockingHttpClient.JsonAccept, keepErrorBody: true, CancellationToken.None));

        Assert.Equal(new FetchFailure(FetchFailureKind.HttpStatus, "HTTP 503 Service Unavailable") { Status = 503 }, dropped.Failure);
        Assert.Equal(503, dropped.Status);
        Assert.True(dropped.Body.IsEmpty);
        Assert.Equal("Failed to allocate: ICE", Encoding.UTF8.GetString(kept.Body));
        kept.Release();
    }

    [Theory]
    [InlineData("/colibri/stats")]
    [InlineData("/metrics")]
    [InlineData("/stats")]
    public async Task A_404_is_the_status_alone_whatever_the_path(string path)
    {
        _jvb.Response = StubResponse.NotFound();
        _jvb.Route("/metrics", StubResponse.NotFound());

        FetchResult result = await FetchAsync(_jvb.BaseUrl + path);

        Assert.Equal(new FetchFailure(FetchFailureKind.HttpStatus, "HTTP 404 Not Found") { Status = 404 }, result.Failure);
        Assert.Equal(404, result.Status);
    }

    [Fact]
    public async Task A_closed_port_is_refused_and_a_name_that_does_not_resolve_says_so()
    {
        int port = _jvb.Port;
        await _jvb.StopAsync();

        FetchResult refused = await FetchAsync($"http://127.0.0.1:{port}/colibri/stats");
        FetchResult unnamed = await FetchAsync("http://no-such-host.invalid:8080/colibri/stats");

        Assert.Equal(new FetchFailure(FetchFailureKind.Refused, "connection refused (is it running and listening on that port?)"), refused.Failure);
        Assert.Equal(0, refused.Status);
        Assert.Equal(new FetchFailure(FetchFailureKind.Dns, "the host name does not resolve"), unnamed.Failure);
    }

    [Fact]
    public async Task A_JVB_that_accepts_and_never_answers_ends_in_the_timeout()
    {
        _jvb.Response = StubResponse.Json(Colibri) with { Delay = TimeSpan.FromSeconds(30) };

        FetchResult result = await Task.Run(() => new BlockingHttpClient(TimeSpan.FromMilliseconds(200), 1024 * 1024).Fetch(new Uri(_jvb.StatsUrl), BlockingHttpClient.JsonAccept, keepErrorBody: false, CancellationToken.None));

        Assert.Equal(new FetchFailure(FetchFailureKind.TimedOut, "no complete answer within 200ms (timeout)"), result.Failure);
    }

    [Fact]
    public async Task Stopping_cuts_a_request_short_at_once()
    {
        _jvb.Response = StubResponse.Json(Colibri) with { Delay = TimeSpan.FromSeconds(30) };
        using var stop = new CancellationTokenSource();
        var client = new BlockingHttpClient(TimeSpan.FromSeconds(30), 1024 * 1024);
        Task<FetchResult> fetch = Task.Run(() => client.Fetch(new Uri(_jvb.StatsUrl), BlockingHttpClient.JsonAccept, keepErrorBody: false, stop.Token));
        Assert.True(await _jvb.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10)));

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task An_https_JVB_whose_certificate_is_not_trusted_is_a_failed_handshake_not_a_crash()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=untrusted-jvb", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        Task server = Task.Run(async () =>
        {
            using System.Net.Sockets.TcpClient client = await listener.AcceptTcpClientAsync();
            using var tls = new System.Net.Security.SslStream(client.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(certificate);
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client refuses the certificate and hangs up.
            }
        });

        FetchResult result = await FetchAsync($"https://127.0.0.1:{port}/colibri/stats");
        await server.WaitAsync(TimeSpan.FromSeconds(10));
        listener.Stop();

        Assert.Equal(FetchFailureKind.Tls, result.Failure?.Kind);
        Assert.StartsWith("the TLS handshake failed", result.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_is_resolved_and_sent_as_the_Host_header()
    {
        FetchResult result = await FetchAsync($"http://localhost:{_jvb.Port}/colibri/stats");

        Assert.Null(result.Failure);
        Assert.Contains($"\r\nHost: localhost:{_jvb.Port}\r\n", _jvb.LastRequestHead!, StringComparison.Ordinal);
    }

    private static StubResponse Raw(string text) => new(0, string.Empty, [], Raw: Encoding.ASCII.GetBytes(text));

    private static Task<FetchResult> FetchAsync(string url, string accept = BlockingHttpClient.JsonAccept, long maxBodySize = 1024 * 1024) =>
        Task.Run(() => new BlockingHttpClient(TimeSpan.FromSeconds(5), maxBodySize).Fetch(new Uri(url), accept, keepErrorBody: false, CancellationToken.None));
}
