using ExecdJvb.Discovery.Docker;

namespace ExecdJvb.Configuration;

/// <summary>Validated configuration: every value parsed and in range.</summary>
internal sealed record PluginSettings
{
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    public string Measurement { get; init; } = "jitsi_stats";

    /// <summary>The port of the JVB's private HTTP server, which serves its REST API.</summary>
    public const int DefaultPort = 8080;

    public int Port { get; init; } = DefaultPort;

    public string StatsPath { get; init; } = "/colibri/stats";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public long MaxBodySize { get; init; } = 1024 * 1024;

    public TimeSpan PollInterval { get; init; } = TimeSpan.Zero;

    public IReadOnlyList<GlobPattern> TagKeys { get; init; } = [];

    public IReadOnlyList<GlobPattern> JsonStringFields { get; init; } = [];

    public StatsSource Source { get; init; } = StatsSource.Auto;

    public MetricsSchema MetricsSchema { get; init; } = MetricsSchema.JitsiStats;

    public bool TagVersion { get; init; } = true;

    public bool Debug { get; init; }

    /// <summary>Whether a component found but giving no answer at all writes healthy=0 in its measurement.</summary>
    public bool ReportUnreachable { get; init; }

    /// <summary>The measurement of the plugin's own point per gather, or null for none.</summary>
    public string? SelfMeasurement { get; init; }

    /// <summary>Whether a component Docker lists no container of is looked for on this host's loopback.</summary>
    public bool Loopback { get; init; } = true;

    /// <summary>Things worth a W! line at start that do not stop the plugin.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public Uri DockerEndpoint { get; init; } = new(Configuration.DockerEndpoint.DefaultSocket);

    /// <summary>TLS for a tcp:// Docker endpoint, or null for none.</summary>
    public DockerTls? DockerTls { get; init; }

    public AddressMode Address { get; init; } = AddressMode.Auto;

    public string? Network { get; init; }

    public ContainerSelection Selection { get; init; } = ContainerSelection.BuiltIn;
}
