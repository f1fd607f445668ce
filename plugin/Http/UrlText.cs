namespace ExecdJvb.Http;

/// <summary>URLs as they may appear in a log line or a tag: a password never does.</summary>
internal static class UrlText
{
    /// <summary>The URL as given, with any user:password part replaced by "redacted".</summary>
    public static string Redacted(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return url.OriginalString;
        }

        var builder = new UriBuilder(url) { UserName = "redacted", Password = string.Empty };
        return builder.Uri.ToString();
    }
}
