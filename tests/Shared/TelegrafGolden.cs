namespace ExecdJvb.Tests;

/// <summary>
/// A component payload's golden: the points Telegraf's <c>inputs.prometheus</c> writes for it, derived apart from
/// this plugin (see tests/testdata/prometheus/SOURCES.md). Telegraf tags a scrape with its <c>url</c>; the plugin
/// tags a target with its own tags instead, set over labels of their names as Telegraf sets the url tag, so the
/// golden is compared with the url tag swapped for those.
/// </summary>
internal static class TelegrafGolden
{
    /// <summary>
    /// The golden's points with its <c>url</c> tag replaced by <paramref name="tags"/> (over any label of the same
    /// name) and its time by <paramref name="time"/>.
    /// </summary>
    public static IReadOnlyList<DecodedPoint> Points(string[] path, IReadOnlyList<DecodedTag> tags, long time) =>
        [.. LineProtocolDecoder.Decode(TestData.Bytes(path)).Select(point => point with
        {
            Tags = [.. point.Tags.Where(tag => tag.Key != "url" && !tags.Any(target => target.Key == tag.Key)).Concat(tags)],
            Time = time,
        })];

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
