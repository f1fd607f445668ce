namespace ExecdJvb.Discovery.Docker;

/// <summary>A container port bound on the host, as Docker lists it.</summary>
internal sealed record PublishedPort(string HostIp, int HostPort, int ContainerPort, string Protocol);
