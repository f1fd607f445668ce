namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A CA, a server certificate for 127.0.0.1 and a client certificate made with openssl for a test, in the
/// file names the docker CLI expects in DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem), plus an unrelated CA.
/// </summary>
internal sealed class TestCertificates
{
    private TestCertificates(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public string Ca => Path.Combine(Folder, "ca.pem");

    public string ClientCert => Path.Combine(Folder, "cert.pem");

    public string ClientKey => Path.Combine(Folder, "key.pem");

    public string ServerCert => Path.Combine(Folder, "server-cert.pem");

    public string ServerKey => Path.Combine(Folder, "server-key.pem");

    public string OtherCa => Path.Combine(Folder, "other-ca.pem");

    public static async Task<TestCertificates> CreateAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "client.ext"), "extendedKeyUsage=clientAuth\n");
        string[][] steps =
        [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=execd-jvb test CA"],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca-key.pem", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=someone else's CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server-cert.pem", "-days", "2", "-extfile", "server.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "client.csr", "-subj", "/CN=telegraf"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "cert.pem", "-days", "2", "-extfile", "client.ext"],
        ];
        foreach (string[] step in steps)
        {
            ProcessResult openssl;
            try
            {
                openssl = await ExecdProcess.RunAsync("openssl", step, TimeSpan.FromMinutes(1), workingDirectory: folder);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new InvalidOperationException("openssl did not start (Debian package openssl)");
            }

            if (openssl.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {string.Join(' ', step)} failed: {openssl.Stderr}");
            }
        }

        return new TestCertificates(folder);
    }
}
