using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>The part of GET /containers/{id}/json discovery reads: the image name the container was created from.</summary>
internal sealed record DockerContainerInspect([property: JsonPropertyName("Config")] DockerContainerConfig? Config);
