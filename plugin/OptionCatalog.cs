namespace ExecdJvb;

/// <summary>Every configuration key, its default and meaning: the single list --help, validation and docs follow.</summary>
internal static class OptionCatalog
{
    public const string EnvironmentPrefix = "EXECD_JVB_";

    public static IReadOnlyList<OptionInfo> All { get; } =
    [
        new("urls", "(none)", "static JVB stats URLs (comma-separated on the command line and in env); an entry may be a full URL or host[:port]"),
        new("measurement", "jitsi_stats", "measurement name of the lines written"),
        new("port", "8080", "JVB REST port used when a URL or host gives none"),
        new("stats_path", "/colibri/stats", "path of the statistics document used when a URL or host gives none"),
        new("timeout", "5s", "limit for one JVB request, connect to last byte"),
        new("max_body_size", "1MiB", "largest answer accepted; a larger one is an error"),
        new("poll_interval", "0s", "also gather on this timer, for signal = \"none\" (0s = only on stdin newlines)"),
        new("tag_keys", "(none)", "globs of flattened JSON keys written as tags, as in Telegraf's json parser"),
        new("json_string_fields", "(none)", "globs of flattened JSON keys whose strings or booleans are kept as fields"),
        new("debug", "false", "also write D! lines (repeated failures, skipped values)"),
    ];

    public static OptionInfo? Find(string key)
    {
        string normalized = key.Replace('-', '_');
        foreach (OptionInfo option in All)
        {
            if (string.Equals(option.Key, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return option;
            }
        }

        return null;
    }
}
