using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>The part of one GET /containers/json entry that discovery reads; the rest of Docker's answer is skipped.</summary>
internal sealed record DockerContainerSummary(
    [property: JsonPropertyName("Id")] string? Id,
    [property: JsonPropertyName("Names")] IReadOnlyList<string>? Names,
    [property: JsonPropertyName("Image")] string? Image,
    [property: JsonPropertyName("ImageID")] string? ImageId,
    [property: JsonPropertyName("Labels")] IReadOnlyDictionary<string, string>? Labels,
    [property: JsonPropertyName("HostConfig")] DockerHostConfig? HostConfig,
    [property: JsonPropertyName("NetworkSettings")] DockerNetworkSettings? NetworkSettings,
    [property: JsonPropertyName("Ports")] IReadOnlyList<DockerPort>? Ports);
