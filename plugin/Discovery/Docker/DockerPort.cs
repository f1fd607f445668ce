using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>One port of a listed container; PublicPort and IP are missing when it is not published.</summary>
internal sealed record DockerPort(
    [property: JsonPropertyName("IP")] string? Ip,
    [property: JsonPropertyName("PrivatePort")] int PrivatePort,
    [property: JsonPropertyName("PublicPort")] int? PublicPort,
    [property: JsonPropertyName("Type")] string? Type);
