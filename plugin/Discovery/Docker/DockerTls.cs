using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Docker.DotNet.Handler.Abstractions;
using ExecdJvb.Configuration;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// TLS to a tcp:// Docker endpoint, as the docker CLI does it: the daemon's certificate checked against
/// the given CA (or skipped on request), and a client certificate for dockerd's --tlsverify.
/// </summary>
internal sealed class DockerTls : IAuthProvider
{
    private readonly X509Certificate2Collection _trusted = [];
    private readonly X509Certificate2? _client;
    private readonly bool _skipVerify;

    private DockerTls(X509Certificate2? ca, X509Certificate2? client, bool skipVerify)
    {
        if (ca is not null)
        {
            _trusted.Add(ca);
        }

        _client = client;
        _skipVerify = skipVerify;
    }

    public bool TlsEnabled => true;

    /// <summary>Reads the PEM files now, so a missing or broken one is a configuration error at start.</summary>
    public static DockerTls Load(string? caPath, string? certPath, string? keyPath, bool skipVerify, string origin)
    {
        X509Certificate2? ca = caPath is null ? null : Read(() => X509Certificate2.CreateFromPem(File.ReadAllText(caPath)), "tls_ca", caPath, origin);
        X509Certificate2? client = null;
        if (certPath is not null || keyPath is not null)
        {
            if (certPath is null || keyPath is null)
            {
                throw new ConfigurationException($"invalid {(certPath is null ? "tls_key" : "tls_cert")}: tls_cert and tls_key go together (the client certificate and its private key)");
            }

            client = Read(() => X509Certificate2.CreateFromPemFile(certPath, keyPath), "tls_cert", certPath, origin);
        }

        return new DockerTls(ca, client, skipVerify);
    }

    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler)
    {
        if (handler is not SocketsHttpHandler sockets)
        {
            throw new InvalidOperationException($"TLS to Docker needs SocketsHttpHandler, the client gave {handler.GetType().Name}");
        }

        sockets.SslOptions.ClientCertificates = _client is null ? null : [_client];
        sockets.SslOptions.RemoteCertificateValidationCallback = Validate;
        return handler;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_skipVerify)
        {
            return true;
        }

        if (_trusted.Count == 0 || certificate is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // Trust the given CA alone, as docker --tlscacert does; the host name must still match.
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static X509Certificate2 Read(Func<X509Certificate2> load, string key, string path, string origin)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // The message says what is wrong with the file, never what it holds.
            throw new ConfigurationException($"invalid {key} \"{path}\"{origin}: expected a readable PEM file ({ex.GetType().Name}: {ex.Message})");
        }
    }
}
