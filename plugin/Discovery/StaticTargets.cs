using ExecdJvb.Configuration;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Discovery;

/// <summary>The JVBs listed in the urls option; the same list on every gather.</summary>
internal sealed class StaticTargets(IReadOnlyList<Uri> urls) : ITargetSource
{
    // The url tag is written to the database: credentials in a URL stay out of it, as out of the log.
    private readonly JvbTarget[] _targets =
        [.. urls.Select(url => new JvbTarget(UrlText.Redacted(url), url, [new TargetTag("url", UrlText.Redacted(url))], url.AbsoluteUri))];

    public string Description { get; } = urls.Count == 1 ? "1 static URL" : $"{urls.Count} static URLs";

    public string? NoneFound => null;

    public IReadOnlyList<JvbTarget> GetTargets(CancellationToken cancellationToken) => _targets;
}
