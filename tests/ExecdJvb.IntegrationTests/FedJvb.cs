namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A JVB whose stats the plugin wrote to InfluxDB: the host tag Telegraf added, the container_name tag
/// (empty for a JVB read from a static URL) and the document it served.
/// </summary>
internal sealed record FedJvb(string Host, string ContainerName, ColibriEra Era)
{
    public override string ToString() => $"{Host}/{(ContainerName.Length > 0 ? ContainerName : "(url)")}";
}
