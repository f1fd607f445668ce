using System.Globalization;
using System.Net;
using ExecdJvb.Configuration;
using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// Decides where a discovered component answers, from Docker's data alone (no traffic): host network, a
/// published port or a network IP, by the "address" mode. The JVB's port and path are the port and stats_path
/// options, the other components' their own; per-container labels override port and path.
/// </summary>
internal sealed class AddressResolver(AddressMode mode, string? network, int port, string statsPath)
{
    public const string PortLabel = "execd-jvb.port";
    public const string PathLabel = "execd-jvb.path";

    public ResolvedAddress Resolve(DiscoveredContainer container)
    {
        ComponentProfile profile = ComponentProfile.Of(container.Component);
        bool jvb = profile.Component == JitsiComponent.Jvb;
        int containerPort = jvb ? port : profile.Port;
        if (container.Labels.TryGetValue(PortLabel, out string? portText))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out containerPort) || containerPort is < 1 or > 65535)
            {
                return new ResolvedAddress(null, $"label {PortLabel}=\"{portText}\" is not a port number from 1 to 65535");
            }
        }

        string path = jvb ? statsPath : profile.JsonStatsPath ?? ComponentProfile.MetricsPath;
        if (container.Labels.TryGetValue(PathLabel, out string? pathText))
        {
            if (!pathText.StartsWith('/') || pathText.Any(c => char.IsControl(c) || c == ' '))
            {
                return new ResolvedAddress(null, $"label {PathLabel}=\"{pathText}\" is not a URL path starting with /");
            }

            path = pathText;
        }

        if (container.NetworkMode == "none")
        {
            return new ResolvedAddress(null, "the container has no network (network mode none)");
        }

        bool hostNetwork = container.NetworkMode == "host";
        return mode switch
        {
            AddressMode.Host => hostNetwork
                ? Address("127.0.0.1", containerPort, path, "host network")
                : new ResolvedAddress(null, $"address = \"host\" but the container's network mode is \"{container.NetworkMode}\""),
            AddressMode.Published => Published(container, containerPort, path)
                ?? new ResolvedAddress(null, $"address = \"published\" but port {containerPort}/tcp is not published"),
            AddressMode.Network => OnNetwork(container, containerPort, path),
            _ => hostNetwork
                ? Address("127.0.0.1", containerPort, path, "host network")
                : Published(container, containerPort, path) ?? OnNetwork(container, containerPort, path),
        };
    }

    private static ResolvedAddress? Published(DiscoveredContainer container, int containerPort, string path)
    {
        PublishedPort? binding = container.Ports
            .Where(p => p.ContainerPort == containerPort && p.Protocol == "tcp" && p.HostPort > 0)
            .OrderBy(p => IPAddress.TryParse(p.HostIp, out IPAddress? ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 1 : 0)
            .FirstOrDefault();
        if (binding is null)
        {
            return null;
        }

        // A wildcard binding is reachable on the loopback; a specific address is used as bound.
        string host = binding.HostIp is "" or "0.0.0.0" or "::" ? "127.0.0.1" : binding.HostIp;
        return Address(host, binding.HostPort, path, $"published port {binding.HostIp}:{binding.HostPort}->{containerPort}/tcp");
    }

    private ResolvedAddress OnNetwork(DiscoveredContainer container, int containerPort, string path)
    {
        if (network is not null)
        {
            return container.Networks.TryGetValue(network, out string? ip) && !string.IsNullOrEmpty(ip)
                ? Address(ip, containerPort, path, $"IP on network {network}")
                : new ResolvedAddress(null, $"not attached to network \"{network}\" (it is on: {Describe(container.Networks)})");
        }

        foreach ((string name, string ip) in container.Networks.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            if (!string.IsNullOrEmpty(ip))
            {
                return Address(ip, containerPort, path, $"IP on network {name} (first by name)");
            }
        }

        return new ResolvedAddress(null, container.Networks.Count == 0
            ? "the container has no network, no published port and is not in host network mode"
            : $"no IP address on its networks ({Describe(container.Networks)})");
    }

    private static ResolvedAddress Address(string host, int port, string path, string how)
    {
        string authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new ResolvedAddress(new Uri($"http://{authority}:{port.ToString(CultureInfo.InvariantCulture)}{path}"), how);
    }

    private static string Describe(IReadOnlyDictionary<string, string> networks) =>
        networks.Count == 0 ? "none" : string.Join(", ", networks.Keys.Order(StringComparer.Ordinal));
}

/// <summary>Where a discovered JVB's stats are, and how that was decided (shown by --discover and in log lines).</summary>
internal sealed record ResolvedAddress(Uri? StatsUri, string How)
{
    public bool Found => StatsUri is not null;
}

/// <summary>A container port bound on the host, as Docker lists it.</summary>
internal sealed record PublishedPort(string HostIp, int HostPort, int ContainerPort, string Protocol);
