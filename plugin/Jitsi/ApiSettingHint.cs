using ExecdJvb.Http;

namespace ExecdJvb.Jitsi;

/// <summary>
/// What an operator must change when a component's stats cannot be read because its API is off or listens only inside
/// its container: the docker-jitsi-meet setting first, as most deployments set it there, then the component's own
/// configuration for a host installation. The hint is part of the failure's one log line, said once per cause.
/// </summary>
internal static class ApiSettingHint
{
    /// <summary>The failure with the setting that opens this endpoint appended, when one is known.</summary>
    /// <param name="profile">The component read.</param>
    /// <param name="url">The URL that failed.</param>
    /// <param name="status">Its HTTP status, or 0 when no HTTP answer came.</param>
    /// <param name="failure">Why it failed.</param>
    public static FetchFailure Add(ComponentProfile profile, Uri url, int status, FetchFailure failure)
    {
        // No answer at all, as opposed to a name that does not resolve, a failed handshake or something that is not HTTP.
        bool silent = status == 0 && failure.Silent;
        string? hint = For(profile, url.AbsolutePath, silent ? 0 : status == 0 ? -1 : status);
        return hint is null ? failure : failure with { Message = $"{failure.Message}: {hint}" };
    }

    private static string? For(ComponentProfile profile, string path, int status)
    {
        bool metrics = path.EndsWith("/metrics", StringComparison.Ordinal);
        bool ownPath = metrics || (profile.JsonStatsPath is { } json && path.EndsWith(json, StringComparison.Ordinal));
        return (profile.Component, status) switch
        {
            (JitsiComponent.Jvb, 404) when !ownPath => "check stats_path",
            (JitsiComponent.Jvb, 404) when metrics => "the JVB's /metrics is off; enable it with videobridge.rest.prometheus.enabled = true in jvb.conf",
            (JitsiComponent.Jvb, 404) => "the JVB's colibri REST API is off; enable it with COLIBRI_REST_ENABLED=true in docker-jitsi-meet's .env (videobridge.apis.rest.enabled = true in jvb.conf)",

            // Both listen on their container's loopback unless told otherwise: from outside, the port refuses, or a
            // published port accepts and closes at once.
            (JitsiComponent.Jicofo, 0) => "Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)",
            (JitsiComponent.Jicofo, 404) when metrics => "Jicofo's /metrics is off; enable it with jicofo.rest.prometheus.enabled = true in jicofo.conf",
            (JitsiComponent.Prosody, 404) => "Prosody serves /metrics only with PROSODY_ENABLE_METRICS=true in docker-jitsi-meet's .env (the http_openmetrics module and statistics = \"internal\" in prosody.cfg.lua)",
            (JitsiComponent.Prosody, 403) => "Prosody answers /metrics only to the addresses in PROSODY_METRICS_ALLOWED_CIDR (docker-jitsi-meet's .env, default 172.16.0.0/12; openmetrics_allow_cidr in prosody.cfg.lua): allow the address this plugin reads it from",
            (JitsiComponent.Jigasi, 0) => "Jigasi's REST API listens only inside its container unless JIGASI_ENABLE_REST=1 is set in docker-jitsi-meet's .env (org.jitsi.jigasi.rest.jetty.host in sip-communicator.properties)",
            _ => null,
        };
    }
}
