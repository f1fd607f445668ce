using System.Text;

namespace ExecdJvb.LineProtocol;

/// <summary>A tag that identifies where a line came from (url, container_name), encoded once, not per gather.</summary>
internal sealed class TargetTag(string key, string value)
{
    public string Key { get; } = key;

    public string Value { get; } = value;

    public byte[] KeyUtf8 { get; } = Encoding.UTF8.GetBytes(key);

    public byte[] ValueUtf8 { get; } = Encoding.UTF8.GetBytes(value);
}
