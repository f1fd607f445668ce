using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery.Docker;

/// <summary>What discovery needs to know of one running container, taken from Docker's list answer.</summary>
/// <param name="Id">Container ID; a new ID is a new container.</param>
/// <param name="Name">Name without the leading "/".</param>
/// <param name="Image">Image reference as the container was created from (e.g. jitsi/jvb:stable-9779).</param>
/// <param name="Labels">Container labels.</param>
/// <param name="NetworkMode">HostConfig.NetworkMode ("host", "bridge", a network name, ...).</param>
/// <param name="Networks">Network name → the container's IP address on it.</param>
/// <param name="Ports">Published ports.</param>
/// <param name="Component">Which Jitsi component the selection took it for.</param>
internal sealed record DiscoveredContainer(
    string Id,
    string Name,
    string Image,
    IReadOnlyDictionary<string, string> Labels,
    string NetworkMode,
    IReadOnlyDictionary<string, string> Networks,
    IReadOnlyList<PublishedPort> Ports,
    JitsiComponent Component = JitsiComponent.Jvb);
