using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>HostConfig of a listed container: only the network mode matters to discovery.</summary>
internal sealed record DockerHostConfig([property: JsonPropertyName("NetworkMode")] string? NetworkMode);
