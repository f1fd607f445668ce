namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A Jicofo whose /stats the plugin wrote to InfluxDB: the host tag Telegraf added, the container_name tag (empty for
/// a Jicofo read from a static URL), the payload file it served at /stats, whose numbers are the fields Telegraf's json
/// flattening gives (<see cref="DockerJitsiMeet.NumbersOf"/>), and the one it served at /debug.
/// </summary>
internal sealed record FedJicofo(string Host, string ContainerName, string Payload, string DebugPayload = DockerEngine.JicofoDebugPayload)
{
    public IReadOnlyDictionary<string, double> Fields { get; } = DockerJitsiMeet.NumbersOf(TestData.Bytes("jicofo", Payload))
        .ToDictionary(field => field.Key, field => (double)field.Value, StringComparer.Ordinal);

    public override string ToString() => $"{Host}/{(ContainerName.Length > 0 ? ContainerName : "(url)")}";
}
