namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A shape of the JVB's /colibri/stats document, by the fixture that captures it, and the sentence a dashboard
/// panel's description must carry when its field is missing from this shape (the panel then stays empty for
/// those bridges).
/// </summary>
internal sealed record ColibriEra(string Fixture, string NotReportedNote)
{
    /// <summary>JVB 2.1.x (2021), with the per-size arrays and jitter_aggregate.</summary>
    public static ColibriEra Before2024 { get; } = new("colibri-stats-2.1.508-active", "Not reported by JVB 2.1.x and older");

    /// <summary>JVB 2.3.x (docker-jitsi-meet stable-9779, 2024): no arrays, visitors and relays added.</summary>
    public static ColibriEra Since2024 { get; } = new("colibri-stats-2.3.168-stable-9779", "Not reported by JVB 2.3.x and newer");

    /// <summary>The fields and values of the fixture as Telegraf's json parser writes them (the golden line).</summary>
    public IReadOnlyDictionary<string, double> Fields { get; } = LineProtocolDecoder.Decode(File.ReadAllText(TestData.PathOf("golden", Fixture + ".out")))[0].Fields
        .ToDictionary(field => field.Key, field => (double)field.Value, StringComparer.Ordinal);
}
