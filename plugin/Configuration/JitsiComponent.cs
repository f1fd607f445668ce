namespace ExecdJvb.Configuration;

/// <summary>The Jitsi components the plugin reads, each with its own API and measurement.</summary>
internal enum JitsiComponent
{
    /// <summary>The Jitsi Videobridge: /colibri/stats or /metrics on port 8080, written as jitsi_stats.</summary>
    Jvb,

    /// <summary>Jicofo, the conference focus: /stats or /metrics on port 8888, written as jicofo_stats.</summary>
    Jicofo,

    /// <summary>Prosody, the XMPP server: OpenMetrics text at /metrics on port 5280, written as Telegraf's inputs.prometheus writes it.</summary>
    Prosody,

    /// <summary>Jigasi, the SIP gateway: /about/stats on port 8788, written as jigasi_stats.</summary>
    Jigasi,
}
