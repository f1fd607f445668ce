using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>A container's attachment to one network: its address there.</summary>
internal sealed record DockerNetworkEndpoint([property: JsonPropertyName("IPAddress")] string? IpAddress);
