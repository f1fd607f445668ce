using System.Text;

namespace ExecdJvb.Jitsi;

/// <summary>
/// Which <c>/metrics</c> sample each <c>/colibri/stats</c> key comes from, as jitsi/jitsi-videobridge's
/// <c>jvb/src/main/kotlin/org/jitsi/videobridge/stats/VideobridgeStatisticsShim.kt</c> computes the key, for every JVB
/// since the shim: 89dde6ea7114d792e1931545eb7028db24dd82f0 (2.3.168-g28674f78, docker-jitsi-meet stable-9779),
/// 4bb0aead1420ad9832c7e5ee09602e5de6eee951 (stable/jitsi-meet_11146: endpoints_ice_failed, relays_ice_failed,
/// dtls_failed_relays) and a29d97d13fbfb54afc676a526485ce87df4f7a64 (master: tcc_unmatched_feedback). A key appears only
/// when the bridge registers its metric, so each JVB gives the keys its own <c>/colibri/stats</c> has. Sample names are
/// as the JVB exposes them: namespace <c>jitsi_jvb</c>, and jicoco's MetricsContainer names every counter
/// <c>..._total</c>. tests/testdata/jvb-metrics holds the registry and the shim of each commit, extracted by program.
/// </summary>
internal static class JitsiStatsMetricMap
{
    public const string Prefix = "jitsi_jvb_";

    private const MetricConversion Same = MetricConversion.Same;

    /// <summary>In the shim's order; one metric can feed several keys (current_endpoints: endpoints and participants).</summary>
    public static IReadOnlyList<JitsiStatsField> InShimOrder { get; } =
    [
        new("jitsi_jvb_incoming_loss_fraction", "incoming_loss", Same, "VideobridgePeriodicMetrics.incomingLoss.get()"),
        new("jitsi_jvb_outgoing_loss_fraction", "outgoing_loss", Same, "VideobridgePeriodicMetrics.outgoingLoss.get()"),
        new("jitsi_jvb_loss_fraction", "overall_loss", Same, "VideobridgePeriodicMetrics.loss.get()"),
        new("jitsi_jvb_endpoints_with_high_outgoing_loss", "endpoints_with_high_outgoing_loss", Same, "VideobridgePeriodicMetrics.endpointsWithHighOutgoingLoss.get()"),
        new("jitsi_jvb_tcc_unmatched_feedback", "tcc_unmatched_feedback", Same, "VideobridgePeriodicMetrics.tccUnmatchedFeedback.get()"),
        new("jitsi_jvb_active_endpoints", "local_active_endpoints", Same, "VideobridgePeriodicMetrics.activeEndpoints.get()"),
        new("jitsi_jvb_incoming_bitrate", "bit_rate_download", MetricConversion.KilobitsTruncated, "VideobridgePeriodicMetrics.incomingBitrate.get() / 1000"),
        new("jitsi_jvb_outgoing_bitrate", "bit_rate_upload", MetricConversion.KilobitsTruncated, "VideobridgePeriodicMetrics.outgoingBitrate.get() / 1000"),
        new("jitsi_jvb_incoming_packet_rate", "packet_rate_download", Same, "VideobridgePeriodicMetrics.incomingPacketRate.get()"),
        new("jitsi_jvb_outgoing_packet_rate", "packet_rate_upload", Same, "VideobridgePeriodicMetrics.outgoingPacketRate.get()"),
        new("jitsi_jvb_average_rtt", "rtt_aggregate", Same, "VideobridgePeriodicMetrics.averageRtt.get()"),
        new("jitsi_jvb_endpoints_oversending", "num_eps_oversending", Same, "VideobridgePeriodicMetrics.endpointsOversending.get()"),
        new("jitsi_jvb_conferences_with_relay", "octo_conferences", Same, "VideobridgePeriodicMetrics.conferencesWithRelay.get()"),
        new("jitsi_jvb_conferences_inactive", "inactive_conferences", Same, "VideobridgePeriodicMetrics.conferencesInactive.get()"),
        new("jitsi_jvb_conferences_p2p", "p2p_conferences", Same, "VideobridgePeriodicMetrics.conferencesP2p.get()"),
        new("jitsi_jvb_current_endpoints", "endpoints", Same, "VideobridgePeriodicMetrics.endpoints.get()"),
        new("jitsi_jvb_current_endpoints", "participants", Same, "VideobridgePeriodicMetrics.endpoints.get()"),
        new("jitsi_jvb_endpoints_recvonly", "receive_only_endpoints", Same, "VideobridgePeriodicMetrics.endpointsReceiveOnly.get()"),
        new("jitsi_jvb_endpoints_inactive", "inactive_endpoints", Same, "VideobridgePeriodicMetrics.endpointsInactive.get()"),
        new("jitsi_jvb_endpoints_relayed", "octo_endpoints", Same, "VideobridgePeriodicMetrics.endpointsRelayed.get()"),
        new("jitsi_jvb_endpoints_sending_audio", "endpoints_sending_audio", Same, "VideobridgePeriodicMetrics.endpointsSendingAudio.get()"),
        new("jitsi_jvb_endpoints_sending_video", "endpoints_sending_video", Same, "VideobridgePeriodicMetrics.endpointsSendingVideo.get()"),
        new("jitsi_jvb_largest_conference", "largest_conference", Same, "VideobridgePeriodicMetrics.largestConference.get()"),

        // The relay ("octo") bit rates stay in bps: the shim divides only the endpoint bit rates.
        new("jitsi_jvb_relay_incoming_bitrate", "octo_receive_bitrate", Same, "VideobridgePeriodicMetrics.relayIncomingBitrate.get()"),
        new("jitsi_jvb_relay_incoming_packet_rate", "octo_receive_packet_rate", Same, "VideobridgePeriodicMetrics.relayIncomingPacketRate.get()"),
        new("jitsi_jvb_relay_outgoing_bitrate", "octo_send_bitrate", Same, "VideobridgePeriodicMetrics.relayOutgoingBitrate.get()"),
        new("jitsi_jvb_relay_outgoing_packet_rate", "octo_send_packet_rate", Same, "VideobridgePeriodicMetrics.relayOutgoingPacketRate.get()"),
        new("jitsi_jvb_endpoints_with_suspended_sources", "endpoints_with_suspended_sources", Same, "VideobridgePeriodicMetrics.endpointsWithSuspendedSources.get()"),

        new("jitsi_jvb_conferences_created_total", "total_conferences_created", Same, "VideobridgeMetrics.conferencesCreated.get()"),
        new("jitsi_jvb_conferences_completed_total", "total_conferences_completed", Same, "VideobridgeMetrics.conferencesCompleted.get()"),
        new("jitsi_jvb_conference_seconds_total", "total_conference_seconds", Same, "VideobridgeMetrics.totalConferenceSeconds.get()"),
        new("jitsi_jvb_endpoints_total", "total_participants", Same, "VideobridgeMetrics.totalEndpoints.get()"),
        new("jitsi_jvb_visitors_total", "total_visitors", Same, "VideobridgeMetrics.totalVisitors.get()"),
        new("jitsi_jvb_endpoints_no_message_transport_after_delay_total", "num_eps_no_msg_transport_after_delay", Same, "VideobridgeMetrics.numEndpointsNoMessageTransportAfterDelay.get()"),
        new("jitsi_jvb_relays_total", "total_relays", Same, "VideobridgeMetrics.totalRelays.get()"),
        new("jitsi_jvb_relays_no_message_transport_after_delay_total", "num_relays_no_msg_transport_after_delay", Same, "VideobridgeMetrics.numRelaysNoMessageTransportAfterDelay.get()"),
        new("jitsi_jvb_keyframes_received_total", "total_keyframes_received", Same, "VideobridgeMetrics.keyframesReceived.get()"),
        new("jitsi_jvb_layering_changes_received_total", "total_layering_changes_received", Same, "VideobridgeMetrics.layeringChangesReceived.get()"),
        new("jitsi_jvb_video_milliseconds_received_total", "total_video_stream_milliseconds_received", Same, "VideobridgeMetrics.totalVideoStreamMillisecondsReceived.get()"),
        new("jitsi_jvb_stress", "stress_level", Same, "VideobridgeMetrics.stressLevel.get()"),
        new("jitsi_jvb_conferences", "conferences", Same, "VideobridgeMetrics.currentConferences.get()"),
        new("jitsi_jvb_current_visitors", "visitors", Same, "VideobridgeMetrics.currentVisitors.get()"),
        new("jitsi_jvb_local_endpoints", "local_endpoints", Same, "VideobridgeMetrics.currentLocalEndpoints.get()"),
        new("jitsi_jvb_data_channel_messages_received_total", "total_data_channel_messages_received", Same, "VideobridgeMetrics.dataChannelMessagesReceived.get()"),
        new("jitsi_jvb_data_channel_messages_sent_total", "total_data_channel_messages_sent", Same, "VideobridgeMetrics.dataChannelMessagesSent.get()"),
        new("jitsi_jvb_colibri_web_socket_messages_received_total", "total_colibri_web_socket_messages_received", Same, "VideobridgeMetrics.colibriWebSocketMessagesReceived.get()"),
        new("jitsi_jvb_colibri_web_socket_messages_sent_total", "total_colibri_web_socket_messages_sent", Same, "VideobridgeMetrics.colibriWebSocketMessagesSent.get()"),
        new("jitsi_jvb_bytes_received_total", "total_bytes_received", Same, "VideobridgeMetrics.totalBytesReceived.get()"),
        new("jitsi_jvb_endpoints_ice_failed_total", "endpoints_ice_failed", Same, "VideobridgeMetrics.endpointsIceFailed.get()"),
        new("jitsi_jvb_endpoints_dtls_failed_total", "dtls_failed_endpoints", Same, "VideobridgeMetrics.endpointsDtlsFailed.get()"),
        new("jitsi_jvb_relays_ice_failed_total", "relays_ice_failed", Same, "VideobridgeMetrics.relaysIceFailed.get()"),
        new("jitsi_jvb_relays_dtls_failed_total", "dtls_failed_relays", Same, "VideobridgeMetrics.relaysDtlsFailed.get()"),
        new("jitsi_jvb_bytes_sent_total", "total_bytes_sent", Same, "VideobridgeMetrics.totalBytesSent.get()"),
        new("jitsi_jvb_packets_received_total", "total_packets_received", Same, "VideobridgeMetrics.packetsReceived.get()"),
        new("jitsi_jvb_packets_sent_total", "total_packets_sent", Same, "VideobridgeMetrics.packetsSent.get()"),
        new("jitsi_jvb_relay_bytes_received_total", "total_bytes_received_octo", Same, "VideobridgeMetrics.totalRelayBytesReceived.get()"),
        new("jitsi_jvb_relay_bytes_sent_total", "total_bytes_sent_octo", Same, "VideobridgeMetrics.totalRelayBytesSent.get()"),
        new("jitsi_jvb_relay_packets_received_total", "total_packets_received_octo", Same, "VideobridgeMetrics.relayPacketsReceived.get()"),
        new("jitsi_jvb_relay_packets_sent_total", "total_packets_sent_octo", Same, "VideobridgeMetrics.relayPacketsSent.get()"),
        new("jitsi_jvb_dominant_speaker_changes_total", "total_dominant_speaker_changes", Same, "VideobridgeMetrics.dominantSpeakerChanges.get()"),
        new("jitsi_jvb_preemptive_keyframe_requests_sent_total", "preemptive_kfr_sent", Same, "VideobridgeMetrics.preemptiveKeyframeRequestsSent.get()"),
        new("jitsi_jvb_preemptive_keyframe_requests_suppressed_total", "preemptive_kfr_suppressed", Same, "VideobridgeMetrics.preemptiveKeyframeRequestsSuppressed.get()"),

        new("jitsi_jvb_ice_failed_total", "total_ice_failed", Same, "IceTransport.iceFailed.get()"),
        new("jitsi_jvb_ice_succeeded_total", "total_ice_succeeded", Same, "IceTransport.iceSucceeded.get()"),
        new("jitsi_jvb_ice_succeeded_relayed_total", "total_ice_succeeded_relayed", Same, "IceTransport.iceSucceededRelayed.get()"),

        new("jitsi_jvb_thread_count", "threads", Same, "JvmMetrics.INSTANCE?.threadCount?.get()"),

        new("jitsi_jvb_graceful_shutdown", "graceful_shutdown", MetricConversion.Boolean, "VideobridgeMetrics.gracefulShutdown.get()"),
        new("jitsi_jvb_shutting_down", "shutting_down", MetricConversion.Boolean, "VideobridgeMetrics.shuttingDown.get()"),
        new("jitsi_jvb_drain_mode", "drain", MetricConversion.Boolean, "VideobridgeMetrics.drainMode.get()"),

        new("jitsi_jvb_muc_clients_configured", "muc_clients_configured", Same, "XmppConnection.mucClientsConfigured.get()"),
        new("jitsi_jvb_muc_clients_connected", "muc_clients_connected", Same, "XmppConnection.mucClientsConnected.get()"),
        new("jitsi_jvb_mucs_connected", "mucs_configured", Same, "XmppConnection.mucsConfigured.get(), registered as mucs_connected"),
        new("jitsi_jvb_mucs_joined", "mucs_joined", Same, "XmppConnection.mucsJoined.get()"),

        // The shim asks RembHandler itself; VideobridgePeriodicMetrics.update copies the same call into this gauge.
        new("jitsi_jvb_endpoints_with_spurious_remb", "endpoints_with_spurious_remb", Same, "RembHandler.endpointsWithSpuriousRemb()"),
        new("jitsi_jvb_healthy", "healthy", MetricConversion.Boolean, "JvbHealthChecker.healthyMetric.get()"),
        new("jitsi_jvb_endpoints_disconnected_total", "endpoints_disconnected", Same, "EndpointConnectionStatusMonitor.endpointsDisconnected.get()"),
        new("jitsi_jvb_endpoints_reconnected_total", "endpoints_reconnected", Same, "EndpointConnectionStatusMonitor.endpointsReconnected.get()"),
    ];

    /// <summary>The same entries ordered by metric name (bytes, ordinal) for a binary search; stable, so a metric's keys keep the shim's order.</summary>
    private static readonly JitsiStatsField[] ByMetric =
        [.. InShimOrder.OrderBy(f => f.Metric, StringComparer.Ordinal)];

    public static int Count => ByMetric.Length;

    public static JitsiStatsField At(int index) => ByMetric[index];

    /// <summary>The first entry for the sample name, or -1; the entries for one metric are consecutive.</summary>
    public static int Find(ReadOnlySpan<byte> sampleName)
    {
        int low = 0;
        int high = ByMetric.Length - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int order = ByMetric[middle].MetricUtf8.AsSpan().SequenceCompareTo(sampleName);
            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                if (order == 0)
                {
                    found = middle;
                }

                high = middle - 1;
            }
        }

        return found;
    }
}

/// <summary>
/// One key of the JVB's <c>/colibri/stats</c> and the <c>/metrics</c> sample it is computed from.
/// <paramref name="Shim"/> is the expression VideobridgeStatisticsShim.kt puts under that key.
/// </summary>
internal sealed record JitsiStatsField(string Metric, string Field, MetricConversion Conversion, string Shim)
{
    public byte[] MetricUtf8 { get; } = Encoding.UTF8.GetBytes(Metric);

    public byte[] FieldUtf8 { get; } = Encoding.UTF8.GetBytes(Field);
}

/// <summary>How the JVB's colibri shim turns the value of one metric into the value of its colibri key.</summary>
internal enum MetricConversion
{
    /// <summary>The metric's value as it is.</summary>
    Same,

    /// <summary>
    /// Bits per second to kilobits per second the way the shim computes it: <c>incomingBitrate.get() / 1000</c>
    /// divides a Kotlin <c>Long</c>, so the remainder is dropped (1999 bps is 1 kbps).
    /// </summary>
    KilobitsTruncated,

    /// <summary>
    /// A gauge holding 0 or 1 that colibri sends as JSON <c>false</c>/<c>true</c>. Telegraf's json parser writes no
    /// field for a boolean unless <c>json_string_fields</c> names it, and then a boolean field; so does the mapper.
    /// </summary>
    Boolean,
}
