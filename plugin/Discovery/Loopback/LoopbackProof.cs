using ExecdJvb.Http;
using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery.Loopback;

/// <summary>
/// Decides whether what listens on a component's well-known port of this host's loopback is that component. Other
/// programs often use the same ports (8080 above all, many with a /metrics of their own), so only the component's own
/// words count: its /about/version names it (jicoco's Version resource gives the application name), or its /metrics
/// carries the families it registers itself (jitsi_jvb_, jitsi_jicofo_, prosody_).
/// </summary>
internal static class LoopbackProof
{
    public static LoopbackAnswer Probe(BlockingHttpClient client, ComponentProfile profile, CancellationToken stopping, out string detail)
    {
        var said = new List<string>(2);

        // Asked only what the component's allowlist holds, as every other read.
        ComponentEndpoints endpoints = ComponentEndpoints.From(profile, profile.LoopbackUri);
        if (profile.VersionName is { } versionName && endpoints.Version is { } url)
        {
            FetchResult version = client.Fetch(url, BlockingHttpClient.JsonAccept, keepErrorBody: false, stopping);
            try
            {
                if (version.Status == 0)
                {
                    detail = version.Failure?.Message ?? "no answer";
                    return LoopbackAnswer.Nothing;
                }

                if (version.Failure is null && VersionDocument.TryReadName(version.Body, out string? name)
                    && string.Equals(name, versionName, StringComparison.OrdinalIgnoreCase))
                {
                    detail = $"its /about/version names it {name}";
                    return LoopbackAnswer.Proven;
                }

                said.Add(version.Failure is { } failure ? $"/about/version answers {failure.Message}" : "/about/version does not name it");
            }
            finally
            {
                version.Release();
            }
        }

        if (profile.MetricsPrefix is { } prefix && endpoints.Metrics is { } metricsUrl)
        {
            FetchResult metrics = client.Fetch(metricsUrl, BlockingHttpClient.PrometheusTextAccept, keepErrorBody: false, stopping);
            try
            {
                if (metrics.Status == 0 && said.Count == 0)
                {
                    detail = metrics.Failure?.Message ?? "no answer";
                    return LoopbackAnswer.Nothing;
                }

                if (metrics.Failure is null && CarriesFamily(metrics.Body, prefix))
                {
                    detail = $"its /metrics carries {prefix}* families";
                    return LoopbackAnswer.Proven;
                }

                said.Add(metrics.Failure is { } failure ? $"/metrics answers {failure.Message}" : $"/metrics has no {prefix}* family");
            }
            finally
            {
                metrics.Release();
            }
        }

        detail = string.Join(", ", said);
        return LoopbackAnswer.Other;
    }

    /// <summary>Whether a line of the text starts a sample or a # TYPE of a family with the prefix.</summary>
    public static bool CarriesFamily(ReadOnlySpan<byte> text, string prefix)
    {
        Span<byte> typed = stackalloc byte[7 + prefix.Length];
        "# TYPE "u8.CopyTo(typed);
        int written = System.Text.Encoding.ASCII.GetBytes(prefix, typed[7..]);
        ReadOnlySpan<byte> name = typed.Slice(7, written);
        ReadOnlySpan<byte> type = typed[..(7 + written)];
        while (!text.IsEmpty)
        {
            int end = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? text : text[..end];
            if (line.StartsWith(name) || line.StartsWith(type))
            {
                return true;
            }

            text = end < 0 ? default : text[(end + 1)..];
        }

        return false;
    }

}

/// <summary>What a component's well-known port on this host's loopback turned out to be.</summary>
internal enum LoopbackAnswer
{
    /// <summary>Nothing answers there: no listener, or no HTTP answer.</summary>
    Nothing,

    /// <summary>The component, by its own words: its /about/version names it, or its /metrics carries its own families.</summary>
    Proven,

    /// <summary>Something answers there that does not prove to be the component; it is never read.</summary>
    Other,
}
