using ExecdJvb.Http;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Discovery;

/// <summary>The components listed in the urls option, each known by its URL; the same list on every gather.</summary>
internal sealed class StaticTargets(IReadOnlyList<Uri> urls) : ITargetSource
{
    // The url tag is written to the database: credentials in a URL stay out of it, as out of the log.
    private readonly ComponentTarget[] _targets =
        [.. urls.Select(url => new ComponentTarget(ComponentProfile.ForUrl(url), UrlText.Redacted(url), url, [new TargetTag(TargetTag.UrlKey, UrlText.Redacted(url))], url.AbsoluteUri))];

    public string Description { get; } = urls.Count == 1 ? "1 static URL" : $"{urls.Count} static URLs";

    public string? NoneFound => null;

    public IReadOnlyList<ComponentTarget> GetTargets(CancellationToken cancellationToken) => _targets;
}
