using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>Config of an inspected container.</summary>
internal sealed record DockerContainerConfig([property: JsonPropertyName("Image")] string? Image);
