using System.Text.Json;

namespace ExecdJvb.Tests;

/// <summary>
/// The Jicofo <c>/debug</c> payloads in tests/testdata/jicofo hold the shape their SOURCES.md promises: the keys,
/// kinds and the <c>"null"</c> texts Jicofo's builders write, checked against values written here.
/// </summary>
public sealed class JicofoDebugPayloadTests
{
    private static readonly string[] TopLevel =
        ["focus_manager", "bridge_selector", "jibri_detector", "sip_jibri_detector", "jigasi_detector", "av_moderation", "conference_iq_handler"];

    private static readonly (string Name, JsonValueKind Kind)[] BridgeFields =
    [
        ("corrected-stress", JsonValueKind.Number), ("drain", JsonValueKind.True), ("endpoints", JsonValueKind.Number),
        ("endpoint-restart-requests", JsonValueKind.Number), ("failing-ice", JsonValueKind.True),
        ("graceful-shutdown", JsonValueKind.True), ("healthy", JsonValueKind.True), ("operational", JsonValueKind.True),
        ("overloaded", JsonValueKind.True), ("region", JsonValueKind.String), ("relay-id", JsonValueKind.String),
        ("release", JsonValueKind.String), ("shutting-down", JsonValueKind.True), ("stress", JsonValueKind.Number),
        ("version", JsonValueKind.String),
    ];

    private static readonly string[] JibriInstanceFields = ["health_status", "busy_status", "reports_available", "last_failed", "last_selected"];
    private static readonly string[] JigasiInstanceFields = ["supports_sip", "supports_transcription", "is_in_graceful_shutdown", "participants", "region"];

    private const string FullBridge = "jvbbrewery@internal-muc.meet.jitsi/jvb-eu-1a";
    private const string NoStatsBridge = "jvbbrewery@internal-muc.meet.jitsi/7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6";
    private const string LeavingBridge = "jvbbrewery@internal-muc.meet.jitsi/jvb-eu-2b";

    public static TheoryData<string> Labels() => ["stable-jitsi-meet_11146", "master"];

    public static TheoryData<string> Files()
    {
        TheoryData<string> files = [];
        foreach (string label in new[] { "stable-jitsi-meet_11146", "master" })
        {
            foreach (string variant in new[] { "", "-reordered", "-second-shard", "-no-detectors", "-empty", "-edge" })
            {
                files.Add($"debug-{label}{variant}.json");
            }
        }
        return files;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_payload_has_the_seven_parts_in_order_and_every_bridge_and_instance_has_its_fields_with_their_kinds(string file)
    {
        using JsonDocument doc = Load(file);
        JsonElement root = doc.RootElement;
        Assert.Equal(TopLevel, root.EnumerateObject().Select(p => p.Name));

        foreach (JsonProperty room in root.GetProperty("focus_manager").EnumerateObject())
        {
            Assert.Contains("@conference.meet.jitsi", room.Name, StringComparison.Ordinal);
            Assert.True(room.Value.GetInt32() >= 0);
        }

        JsonElement selector = root.GetProperty("bridge_selector");
        Assert.Equal(["strategy", "bridge"], selector.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("BridgeSelectionStrategy", selector.GetProperty("strategy").GetString(), StringComparison.Ordinal);
        foreach (JsonProperty bridge in selector.GetProperty("bridge").EnumerateObject())
        {
            Assert.StartsWith("jvbbrewery@internal-muc.meet.jitsi/", bridge.Name, StringComparison.Ordinal);
            Assert.Equal(BridgeFields.Select(f => f.Name), bridge.Value.EnumerateObject().Select(p => p.Name));
            foreach ((string name, JsonValueKind kind) in BridgeFields)
            {
                Assert.Equal(kind, Kind(bridge.Value.GetProperty(name)));
            }
            Assert.Equal(JsonValueKind.Number, bridge.Value.GetProperty("endpoints").ValueKind);
            Assert.True(bridge.Value.GetProperty("endpoints").TryGetInt32(out _));
        }

        foreach (string detector in new[] { "jibri_detector", "sip_jibri_detector" })
        {
            JsonElement d = root.GetProperty(detector);
            if (d.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            Assert.Equal(detector == "sip_jibri_detector", d.GetProperty("is_sip").GetBoolean());
            Assert.EndsWith("@internal-muc.meet.jitsi", d.GetProperty("brewery_jid").GetString(), StringComparison.Ordinal);
            foreach (JsonProperty instance in d.EnumerateObject().Skip(2))
            {
                string[] names = [.. instance.Value.EnumerateObject().Select(p => p.Name)];
                Assert.True(names.SequenceEqual(JibriInstanceFields) || names.SequenceEqual(JibriInstanceFields[..2]), string.Join(",", names));
                Assert.Contains(instance.Value.GetProperty("health_status").GetString(), new[] { "healthy", "unhealthy", "undefined", "null" });
                Assert.Contains(instance.Value.GetProperty("busy_status").GetString(), new[] { "idle", "busy", "undefined", "null" });
            }
        }

        JsonElement jigasi = root.GetProperty("jigasi_detector");
        if (jigasi.ValueKind != JsonValueKind.Null)
        {
            Assert.Equal("jigasibrewery@internal-muc.meet.jitsi", jigasi.GetProperty("brewery_jid").GetString());
            foreach (JsonProperty instance in jigasi.EnumerateObject().Skip(1))
            {
                Assert.Equal(JigasiInstanceFields, instance.Value.EnumerateObject().Select(p => p.Name));
                Assert.Equal(JsonValueKind.Number, instance.Value.GetProperty("participants").ValueKind);
                Assert.Equal(JsonValueKind.String, instance.Value.GetProperty("region").ValueKind);
            }
        }

        Assert.Equal(["address"], root.GetProperty("av_moderation").EnumerateObject().Select(p => p.Name));
        JsonElement iq = root.GetProperty("conference_iq_handler");
        Assert.Equal(["breakout_address", "focus_auth_jid", "jigasi_enabled", "auth_authority"], iq.EnumerateObject().Select(p => p.Name));
        Assert.Equal(jigasi.ValueKind != JsonValueKind.Null, iq.GetProperty("jigasi_enabled").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void The_usual_fleet_has_a_bridge_with_its_stats_one_without_as_null_texts_and_one_leaving(string label)
    {
        using JsonDocument doc = Load($"debug-{label}.json");
        JsonElement bridges = doc.RootElement.GetProperty("bridge_selector").GetProperty("bridge");
        Assert.Equal([FullBridge, NoStatsBridge, LeavingBridge], bridges.EnumerateObject().Select(p => p.Name));

        JsonElement full = bridges.GetProperty(FullBridge);
        Assert.Equal("eu-central-1", full.GetProperty("region").GetString());
        Assert.Equal("10.0.1.21", full.GetProperty("relay-id").GetString());
        Assert.Equal("11146", full.GetProperty("release").GetString());
        Assert.Equal("2.3.209-g5e7b2bd", full.GetProperty("version").GetString());
        Assert.Equal(0.25, full.GetProperty("stress").GetDouble());
        Assert.Equal(0.27, full.GetProperty("corrected-stress").GetDouble());
        Assert.Equal(9, full.GetProperty("endpoints").GetInt32());

        JsonElement bare = bridges.GetProperty(NoStatsBridge);
        foreach (string name in new[] { "region", "relay-id", "release", "version" })
        {
            Assert.Equal("null", bare.GetProperty(name).GetString());
        }
        Assert.True(bare.GetProperty("drain").GetBoolean());
        Assert.Equal(0, bare.GetProperty("endpoints").GetInt32());

        JsonElement leaving = bridges.GetProperty(LeavingBridge);
        Assert.True(leaving.GetProperty("graceful-shutdown").GetBoolean());
        Assert.False(leaving.GetProperty("operational").GetBoolean());
        Assert.True(leaving.GetProperty("overloaded").GetBoolean());
        Assert.Equal(3, leaving.GetProperty("endpoint-restart-requests").GetInt32());

        JsonElement jibri = doc.RootElement.GetProperty("jibri_detector");
        Assert.False(jibri.GetProperty("is_sip").GetBoolean());
        Assert.Equal("jibribrewery@internal-muc.meet.jitsi", jibri.GetProperty("brewery_jid").GetString());
        Assert.Equal("busy", jibri.GetProperty("jibri-7f3c").GetProperty("busy_status").GetString());
        Assert.False(jibri.GetProperty("jibri-7f3c").GetProperty("reports_available").GetBoolean());
        Assert.Equal("idle", jibri.GetProperty("jibri-a912").GetProperty("busy_status").GetString());
        Assert.True(jibri.GetProperty("jibri-a912").GetProperty("reports_available").GetBoolean());
        Assert.Equal("-1000000000-01-01T00:00:00Z", jibri.GetProperty("jibri-a912").GetProperty("last_failed").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("sip_jibri_detector").ValueKind);

        JsonElement jigasi = doc.RootElement.GetProperty("jigasi_detector");
        Assert.Equal(["brewery_jid", "jigasi-sip-1", "jigasi-transcriber-1"], jigasi.EnumerateObject().Select(p => p.Name));
        Assert.Equal("null", jigasi.GetProperty("jigasi-transcriber-1").GetProperty("region").GetString());

        Assert.Equal(
            [("bluefinchweekly@conference.meet.jitsi", 4), ("__jicofo-health-check-7316292215184563218@conference.meet.jitsi", 0), ("quarterlyplanning-7h2k@conference.meet.jitsi", 9)],
            doc.RootElement.GetProperty("focus_manager").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void The_reordered_payload_holds_the_same_members_with_every_map_in_the_other_order(string label)
    {
        using JsonDocument usual = Load($"debug-{label}.json");
        using JsonDocument reordered = Load($"debug-{label}-reordered.json");
        string[][] paths = [["focus_manager"], ["bridge_selector", "bridge"], ["jibri_detector"], ["jigasi_detector"]];
        foreach (string[] path in paths)
        {
            JsonProperty[] a = [.. At(usual.RootElement, path).EnumerateObject()];
            JsonProperty[] b = [.. At(reordered.RootElement, path).EnumerateObject()];
            int fixedKeys = path[0] switch { "jibri_detector" => 2, "jigasi_detector" => 1, _ => 0 };
            Assert.Equal(a.Take(fixedKeys).Select(p => p.Name), b.Take(fixedKeys).Select(p => p.Name));
            Assert.Equal(a.Skip(fixedKeys).Select(p => p.Name).Reverse(), b.Skip(fixedKeys).Select(p => p.Name));
            Assert.True(a.Length >= fixedKeys + 2);
            foreach (JsonProperty p in a)
            {
                Assert.Equal(p.Value.GetRawText(), b.Single(q => q.Name == p.Name).Value.GetRawText());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Without_breweries_all_three_detectors_are_json_null(string label)
    {
        using JsonDocument doc = Load($"debug-{label}-no-detectors.json");
        foreach (string detector in new[] { "jibri_detector", "sip_jibri_detector", "jigasi_detector" })
        {
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty(detector).ValueKind);
        }
        Assert.False(doc.RootElement.GetProperty("conference_iq_handler").GetProperty("jigasi_enabled").GetBoolean());
        Assert.Contains("__jicofo-health-check--2891736402815577741@conference.meet.jitsi",
            doc.RootElement.GetProperty("focus_manager").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void Just_started_the_bridge_and_conference_maps_are_empty_and_the_detectors_have_no_instance(string label)
    {
        using JsonDocument doc = Load($"debug-{label}-empty.json");
        JsonElement root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.GetProperty("focus_manager").ValueKind);
        Assert.Empty(root.GetProperty("focus_manager").EnumerateObject());
        Assert.Empty(root.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject());
        Assert.Equal(["is_sip", "brewery_jid"], root.GetProperty("jibri_detector").EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("sip_jibri_detector").GetProperty("is_sip").GetBoolean());
        Assert.Equal(["brewery_jid"], root.GetProperty("jigasi_detector").EnumerateObject().Select(p => p.Name));
        Assert.Equal("null", root.GetProperty("conference_iq_handler").GetProperty("breakout_address").GetString());
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void A_jibri_without_status_has_null_texts_and_no_availability_and_a_failed_one_has_its_time(string label)
    {
        using JsonDocument doc = Load($"debug-{label}-edge.json");
        JsonElement jibri = doc.RootElement.GetProperty("jibri_detector");
        JsonElement silent = jibri.GetProperty("jibri-55d1");
        Assert.Equal(["health_status", "busy_status"], silent.EnumerateObject().Select(p => p.Name));
        Assert.Equal("null", silent.GetProperty("health_status").GetString());
        Assert.Equal("null", silent.GetProperty("busy_status").GetString());

        JsonElement failed = jibri.GetProperty("jibri-c04e");
        Assert.Equal("unhealthy", failed.GetProperty("health_status").GetString());
        Assert.False(failed.GetProperty("reports_available").GetBoolean());
        Assert.Equal("2026-08-20T09:14:03.512774Z", failed.GetProperty("last_failed").GetString());

        Assert.Equal("sip-jibri-1", doc.RootElement.GetProperty("sip_jibri_detector").EnumerateObject().Skip(2).Single().Name);
        JsonElement jigasi = doc.RootElement.GetProperty("jigasi_detector").GetProperty("jigasi-sip-1");
        Assert.True(jigasi.GetProperty("is_in_graceful_shutdown").GetBoolean());
        Assert.Equal("null", jigasi.GetProperty("region").GetString());
        Assert.Equal("XMPPDomainAuthAuthority", doc.RootElement.GetProperty("conference_iq_handler").GetProperty("auth_authority").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-reordered")]
    [InlineData("-no-detectors")]
    [InlineData("-empty")]
    [InlineData("-edge")]
    public void The_stable_and_master_payloads_are_byte_identical(string variant) =>
        Assert.Equal(TestData.Bytes("jicofo", $"debug-stable-jitsi-meet_11146{variant}.json"), TestData.Bytes("jicofo", $"debug-master{variant}.json"));

    private static JsonDocument Load(string file) => JsonDocument.Parse(TestData.Bytes("jicofo", file));

    private static JsonValueKind Kind(JsonElement e) => e.ValueKind == JsonValueKind.False ? JsonValueKind.True : e.ValueKind;

    private static JsonElement At(JsonElement e, string[] path) => path.Aggregate(e, (x, name) => x.GetProperty(name));
}
