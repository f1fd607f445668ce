using ExecdJvb.LineProtocol;

namespace ExecdJvb.Jitsi;

/// <summary>One Jitsi component to read on this gather: which component, where its stats are and the tags that say which one it is.</summary>
/// <param name="Profile">Which component it is, and what it serves.</param>
/// <param name="Name">How log lines name it (a URL without credentials, or a container name).</param>
/// <param name="StatsUri">The full stats URL.</param>
/// <param name="Tags">Tags for its line, sorted by key.</param>
/// <param name="Instance">
/// What changes when the component behind the name is a new one: the container ID, or the URL for a listed one.
/// Facts read once per instance (its version, whether its JSON statistics are off) are kept per instance.
/// </param>
/// <param name="Found">How discovery found it, said once when it appears or moves; null for a listed URL, which is not announced.</param>
internal sealed record ComponentTarget(ComponentProfile Profile, string Name, Uri StatsUri, IReadOnlyList<TargetTag> Tags, string Instance, string? Found = null);
