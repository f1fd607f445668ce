namespace ExecdJvb.Tests;

/// <summary>
/// A component payload's golden: the points Telegraf's <c>inputs.prometheus</c> writes for it, derived apart from
/// this plugin (see tests/testdata/prometheus/SOURCES.md). Telegraf tags a scrape with its <c>url</c>; the plugin
/// tags a target with its own tags instead, so the golden is compared with the url tag swapped for those. And the
/// plugin differs from Telegraf on purpose in one thing, <see cref="PluginTagName"/>.
/// </summary>
internal static class TelegrafGolden
{
    /// <summary>
    /// The golden's points for the component <paramref name="component"/> (its key: jvb, jicofo, prosody), each label
    /// renamed as <see cref="PluginTagName"/> says, its <c>url</c> tag replaced by <paramref name="tags"/> and its time by
    /// <paramref name="time"/>.
    /// </summary>
    public static IReadOnlyList<DecodedPoint> Points(string component, string[] path, IReadOnlyList<DecodedTag> tags, long time) =>
        [.. LineProtocolDecoder.Decode(TestData.Bytes(path)).Select(point => point with
        {
            Tags = [.. point.Tags.Where(tag => tag.Key != "url").Select(tag => tag with { Key = PluginTagName(component, tag.Key) }).Concat(tags)],
            Time = time,
        })];

    /// <summary>
    /// The plugin's one deliberate difference from Telegraf: a label named as a tag that Telegraf's agent adds
    /// (<c>host</c>, the server's name, which Telegraf adds only where a point has none) or that the plugin sets itself
    /// (<c>container_name</c>, <c>url</c>, and <c>version</c> for a component that serves /about/version) is written
    /// under a name of its own, as the README's Metrics section says: Prosody's <c>host</c> (its XMPP domain) as
    /// <c>xmpp_host</c>, any other as the component's key, an underscore and the label's name. Telegraf keeps the label
    /// (or, for <c>url</c>, sets its own tag over it).
    /// </summary>
    public static string PluginTagName(string component, string label) => (component, label) switch
    {
        ("prosody", "host") => "xmpp_host",
        (_, "host" or "container_name" or "url") => $"{component}_{label}",
        ("jvb" or "jicofo" or "jigasi", "version") => $"{component}_version",
        _ => label,
    };

    /// <summary>
    /// Points in an order-free form: tags and fields sorted by key, points sorted. Telegraf builds fields from a Go
    /// map and hands families out of one, so neither order is defined in what it writes.
    /// </summary>
    public static string[] Normalized(IEnumerable<DecodedPoint> points) =>
        [.. points
            .Select(point => (point with
            {
                Tags = [.. point.Tags.OrderBy(tag => tag.Key, StringComparer.Ordinal)],
                Fields = [.. point.Fields
                    .Select(field => field.Value is ulong unsigned ? field with { Value = checked((long)unsigned) } : field)
                    .OrderBy(field => field.Key, StringComparer.Ordinal)],
            }).ToString())
            .Order(StringComparer.Ordinal)];
}
