using System.Text;

namespace ExecdJvb.LineProtocol;

/// <summary>A tag that identifies where a line came from (url, container_name), encoded once, not per gather.</summary>
internal sealed class TargetTag(string key, string value)
{
    /// <summary>The tag of a component discovery found: its container's name.</summary>
    public const string ContainerNameKey = "container_name";

    /// <summary>The tag of a component read at a URL (listed, or on the loopback), as inputs.http and inputs.prometheus tag theirs.</summary>
    public const string UrlKey = "url";

    public string Key { get; } = key;

    public string Value { get; } = value;

    public byte[] KeyUtf8 { get; } = Encoding.UTF8.GetBytes(key);

    public byte[] ValueUtf8 { get; } = Encoding.UTF8.GetBytes(value);
}
