namespace ExecdJvb;

/// <summary>Validated configuration: every value parsed and in range.</summary>
internal sealed record PluginSettings
{
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    public string Measurement { get; init; } = "jitsi_stats";

    public int Port { get; init; } = 8080;

    public string StatsPath { get; init; } = "/colibri/stats";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public long MaxBodySize { get; init; } = 1024 * 1024;

    public TimeSpan PollInterval { get; init; } = TimeSpan.Zero;

    public IReadOnlyList<GlobPattern> TagKeys { get; init; } = [];

    public IReadOnlyList<GlobPattern> JsonStringFields { get; init; } = [];

    public bool Debug { get; init; }
}
