using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// Source-generated JSON for the two Docker answers discovery reads, and the records of those answers. Docker.DotNet's
/// own contexts describe every Docker API model and would make the binary much larger; these few records are all a
/// read-only list and inspect need.
/// </summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(List<DockerContainerSummary>))]
[JsonSerializable(typeof(DockerContainerInspect))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;

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

/// <summary>One port of a listed container; PublicPort and IP are missing when it is not published.</summary>
internal sealed record DockerPort(
    [property: JsonPropertyName("IP")] string? Ip,
    [property: JsonPropertyName("PrivatePort")] int PrivatePort,
    [property: JsonPropertyName("PublicPort")] int? PublicPort,
    [property: JsonPropertyName("Type")] string? Type);

/// <summary>HostConfig of a listed container: only the network mode matters to discovery.</summary>
internal sealed record DockerHostConfig([property: JsonPropertyName("NetworkMode")] string? NetworkMode);

/// <summary>NetworkSettings of a listed container: the networks it is attached to.</summary>
internal sealed record DockerNetworkSettings(
    [property: JsonPropertyName("Networks")] IReadOnlyDictionary<string, DockerNetworkEndpoint?>? Networks);

/// <summary>A container's attachment to one network: its address there.</summary>
internal sealed record DockerNetworkEndpoint([property: JsonPropertyName("IPAddress")] string? IpAddress);

/// <summary>
/// The part of GET /containers/{id}/json discovery reads: the image name the container was created from, and for a JVB
/// what its brewery nickname comes from.
/// </summary>
internal sealed record DockerContainerInspect([property: JsonPropertyName("Config")] DockerContainerConfig? Config);

/// <summary>Config of an inspected container: its image, its hostname and its environment (NAME=value).</summary>
internal sealed record DockerContainerConfig(
    [property: JsonPropertyName("Image")] string? Image,
    [property: JsonPropertyName("Hostname")] string? Hostname,
    [property: JsonPropertyName("Env")] IReadOnlyList<string?>? Env);
