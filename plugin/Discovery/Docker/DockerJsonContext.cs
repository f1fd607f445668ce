using System.Text.Json.Serialization;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// Source-generated JSON for the two Docker answers discovery reads. Docker.DotNet's own contexts describe every
/// Docker API model and cost the binary some 5 MB; these few records are all a read-only list and inspect need.
/// </summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(List<DockerContainerSummary>))]
[JsonSerializable(typeof(DockerContainerInspect))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
