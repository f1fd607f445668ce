namespace ExecdJvb.Tests;

/// <summary>
/// The keys of <c>/colibri/stats</c> that VideobridgeStatisticsShim.kt fills from something other than a metric, so
/// <c>/metrics</c> cannot give them, each with the reason; the same at every commit in tests/testdata/jvb-metrics (the
/// shim-*.json files there, extracted by program, show each key's expression).
/// </summary>
internal static class ColibriKeysWithoutMetric
{
    public static IReadOnlyList<(string Field, string Reason)> All { get; } =
    [
        ("average_participant_stress", "JvbLoadManager.averageParticipantStress: the configured videobridge.load-management.average-participant-stress (0.01 by default), not a metric"),
        ("current_timestamp", "the bridge's clock when the document is built, a string"),
        ("version", "JvbVersionService.currentVersion, a string; /about/version has it"),
        ("relay_id", "RelayConfig.relayId when relays are enabled, a string"),
        ("release", "VersionConfig.release when configured, a string"),
        ("region", "a string; /metrics has it only as the label of jitsi_jvb_region_info, written like any labelled metric"),
    ];
}
