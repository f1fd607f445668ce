using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>NetworkSettings of a listed container: the networks it is attached to.</summary>
internal sealed record DockerNetworkSettings(
    [property: JsonPropertyName("Networks")] IReadOnlyDictionary<string, DockerNetworkEndpoint?>? Networks);
