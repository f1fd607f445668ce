using System.Text.Json.Serialization;

namespace ExecdJvb;

/// <summary>Config of an inspected container.</summary>
internal sealed record DockerContainerConfig([property: JsonPropertyName("Image")] string? Image);
