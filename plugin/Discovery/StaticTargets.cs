using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Discovery;

/// <summary>The JVBs listed in the urls option; the same list on every gather.</summary>
internal sealed class StaticTargets : ITargetSource
{
    private readonly IReadOnlyList<JvbTarget> _targets;

    public StaticTargets(IReadOnlyList<Uri> urls)
    {
        // The url tag is written to the database: credentials in a URL stay out of it, as out of the log.
        _targets = [.. urls.Select(url => new JvbTarget(RedactedUrl(url), url, [new TargetTag("url", RedactedUrl(url))], url.AbsoluteUri))];
        Description = urls.Count == 1 ? "1 static URL" : $"{urls.Count} static URLs";
    }

    public string Description { get; }

    public IReadOnlyList<JvbTarget> GetTargets(CancellationToken cancellationToken) => _targets;

    /// <summary>A URL as it may appear in a log line: any user:password part replaced.</summary>
    public static string RedactedUrl(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return url.OriginalString;
        }

        var builder = new UriBuilder(url) { UserName = "redacted", Password = string.Empty };
        return builder.Uri.ToString();
    }
}
