using ExecdJvb.LineProtocol;

namespace ExecdJvb.Jitsi;

/// <summary>One JVB to scrape on this gather: where its stats are and the tags that say which JVB it is.</summary>
/// <param name="Name">How log lines name it (a URL without credentials, or a container name).</param>
/// <param name="StatsUri">The full stats URL.</param>
/// <param name="Tags">Tags for its line, sorted by key.</param>
/// <param name="Instance">
/// What changes when the JVB behind the name is a new one: the container ID, or the URL for a listed JVB.
/// Facts read once per JVB (its version, whether colibri is off) are kept per instance.
/// </param>
/// <param name="Found">How discovery found it, said once when it appears or moves; null for a listed URL, which is not announced.</param>
internal sealed record JvbTarget(string Name, Uri StatsUri, IReadOnlyList<TargetTag> Tags, string Instance, string? Found = null);
