namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A Jicofo whose /stats the plugin wrote to InfluxDB: the host tag Telegraf added, the container_name tag (empty for
/// a Jicofo read from a static URL) and the payload file it served, whose numbers are the fields Telegraf's json
/// flattening gives (<see cref="DockerJitsiMeet.NumbersOf"/>).
/// </summary>
internal sealed record FedJicofo(string Host, string ContainerName, string Payload)
{
    public IReadOnlyDictionary<string, double> Fields { get; } = DockerJitsiMeet.NumbersOf(TestData.Bytes("jicofo", Payload))
        .ToDictionary(field => field.Key, field => (double)field.Value, StringComparer.Ordinal);

    public override string ToString() => $"{Host}/{(ContainerName.Length > 0 ? ContainerName : "(url)")}";
}
