namespace ExecdJvb.Tests.Integration;

/// <summary>A tcp:// Docker endpoint with TLS: a real dockerd with --tlsverify on 127.0.0.1, certificates made by the test.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private DockerEngine? _docker;
    private TestCertificates? _certificates;
    private int _tlsPort;

    private DockerEngine Docker => _docker!;

    private TestCertificates Certificates => _certificates!;

    private string TlsEndpoint => $"tcp://127.0.0.1:{_tlsPort}";

    public async Task InitializeAsync()
    {
        string folder = DockerEngine.NewFolder();
        _certificates = await TestCertificates.CreateAsync(Path.Combine(folder, "certs"));
        _tlsPort = FreePort.Next();
        _docker = await DockerEngine.StartInAsync(
            folder,
            "--tlsverify", "--tlscacert", Certificates.Ca, "--tlscert", Certificates.ServerCert, "--tlskey", Certificates.ServerKey,
            "-H", $"tcp://127.0.0.1:{_tlsPort}");
        await Docker.RunJvbAsync("wa-jitsi-jvb", FreePort.Next());
    }

    public async Task DisposeAsync()
    {
        if (_docker is not null)
        {
            await _docker.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_tls_keys_reach_a_dockerd_that_verifies_clients()
    {
        (int exitCode, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) = await OnceAsync(
            [.. Endpoint, "--tls_ca", Certificates.Ca, "--tls_cert", Certificates.ClientCert, "--tls_key", Certificates.ClientKey]);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("jitsi_stats,container_name=wa-jitsi-jvb ", Assert.Single(stdout));
        Assert.StartsWith("I! found JVB wa-jitsi-jvb", Assert.Single(stderr));
    }

    [Fact]
    public async Task DOCKER_TLS_VERIFY_and_DOCKER_CERT_PATH_work_as_for_the_docker_CLI()
    {
        (int exitCode, IReadOnlyList<string> stdout, _) = await OnceAsync(
            [],
            new Dictionary<string, string> { ["DOCKER_HOST"] = TlsEndpoint, ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = Certificates.Folder });

        Assert.Equal(0, exitCode);
        Assert.StartsWith("jitsi_stats,container_name=wa-jitsi-jvb ", Assert.Single(stdout));
    }

    [Fact]
    public async Task Insecure_skip_verify_accepts_the_daemon_without_its_CA()
    {
        (int exitCode, IReadOnlyList<string> stdout, _) = await OnceAsync(
            [.. Endpoint, "--insecure_skip_verify", "true", "--tls_cert", Certificates.ClientCert, "--tls_key", Certificates.ClientKey]);

        Assert.Equal(0, exitCode);
        Assert.Single(stdout);
    }

    [Fact]
    public async Task A_daemon_certificate_from_another_CA_is_refused_with_one_clear_error()
    {
        (int exitCode, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) = await OnceAsync(
            [.. Endpoint, "--tls_ca", Certificates.OtherCa, "--tls_cert", Certificates.ClientCert, "--tls_key", Certificates.ClientKey]);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith($"E! TLS with Docker at {TlsEndpoint} failed (", stderr[0]);
        Assert.Contains("check tls_ca, tls_cert and tls_key", stderr[0]);
    }

    [Fact]
    public async Task Without_a_client_certificate_dockerd_refuses_and_the_plugin_says_so_once()
    {
        (int exitCode, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) = await OnceAsync([.. Endpoint, "--tls_ca", Certificates.Ca]);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("E! ", stderr[0]);
        Assert.Contains(TlsEndpoint, stderr[0]);
        Assert.DoesNotContain(stderr, line => line.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_file_that_is_not_PEM_is_a_configuration_error_that_never_shows_its_content()
    {
        string secret = Path.Combine(Certificates.Folder, "not-a-key.pem");
        await File.WriteAllTextAsync(secret, "hunter2-very-secret");

        (int exitCode, _, IReadOnlyList<string> stderr) = await OnceAsync([.. Endpoint, "--tls_cert", Certificates.ClientCert, "--tls_key", secret]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"E! invalid tls_cert \"{Certificates.ClientCert}\": expected a readable PEM file", Assert.Single(stderr));
        Assert.DoesNotContain("hunter2", stderr[0]);
    }

    private string[] Endpoint => ["--endpoint", TlsEndpoint, "--address", "host"];

    private static async Task<(int ExitCode, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> OnceAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        await using ExecdProcess once = ExecdProcess.Start(["--once", .. args], environment);
        int exitCode = await once.WaitForExitAsync(Wait);
        return (exitCode, once.StdoutLines, once.StderrLines);
    }
}
