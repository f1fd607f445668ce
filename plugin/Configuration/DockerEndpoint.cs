namespace ExecdJvb.Configuration;

/// <summary>The Docker API address: the endpoint option, else DOCKER_HOST, else the local socket.</summary>
internal static class DockerEndpoint
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    public static Uri Resolve(string? configured, string? dockerHost)
    {
        string key = configured is not null ? "endpoint" : "DOCKER_HOST";
        string text = configured ?? (string.IsNullOrWhiteSpace(dockerHost) ? DefaultSocket : dockerHost.Trim());
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
            || !((uri.Scheme == "unix" && uri.AbsolutePath.Length > 1) || (uri.Scheme == "tcp" && !string.IsNullOrEmpty(uri.Host) && !uri.IsDefaultPort)))
        {
            throw new ConfigurationException($"invalid {key} \"{text}\": expected unix:///path/to/docker.sock or tcp://host:port (such as a docker-socket-proxy at tcp://127.0.0.1:2375)");
        }

        return uri;
    }
}
