using ExecdJvb.Discovery.Docker;

namespace ExecdJvb.Configuration;

/// <summary>Validated configuration: every value parsed and in range; each default is its key's in <see cref="Options"/>.</summary>
internal sealed record PluginSettings
{
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    public string Measurement { get; init; } = Options.Measurement.Default;

    /// <summary>The port of the JVB's private HTTP server, which serves its REST API.</summary>
    public int Port { get; init; } = Options.Port.Default;

    public string StatsPath { get; init; } = Options.StatsPath.Default;

    public TimeSpan Timeout { get; init; } = Options.Timeout.Default;

    public long MaxBodySize { get; init; } = Options.MaxBodySize.Default;

    public TimeSpan PollInterval { get; init; } = Options.PollInterval.Default;

    public IReadOnlyList<GlobPattern> TagKeys { get; init; } = Options.TagKeys.Default;

    public IReadOnlyList<GlobPattern> JsonStringFields { get; init; } = Options.JsonStringFields.Default;

    public StatsSource Source { get; init; } = Options.Source.Default;

    public MetricsSchema MetricsSchema { get; init; } = Options.MetricsSchema.Default;

    public bool TagVersion { get; init; } = Options.TagVersion.Default;

    /// <summary>Whether each Jicofo is also asked /debug for the bridges, Jibris and Jigasis it knows.</summary>
    public bool JicofoFleet { get; init; } = Options.JicofoFleet.Default;

    public bool Debug { get; init; } = Options.Debug.Default;

    /// <summary>Whether a component found but giving no answer at all writes healthy=0 in its measurement.</summary>
    public bool ReportUnreachable { get; init; } = Options.ReportUnreachable.Default;

    /// <summary>The measurement of the plugin's own point per gather, or null for none.</summary>
    public string? SelfMeasurement { get; init; } = Options.SelfMeasurement.Default;

    /// <summary>Whether a component Docker lists no container of is looked for on this host's loopback.</summary>
    public bool Loopback { get; init; } = Options.Loopback.Default;

    /// <summary>Things worth a W! line at start that do not stop the plugin.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public Uri DockerEndpoint { get; init; } = new(Options.DefaultDockerSocket);

    /// <summary>TLS for a tcp:// Docker endpoint, or null for none.</summary>
    public DockerTls? DockerTls { get; init; }

    public AddressMode Address { get; init; } = Options.Address.Default;

    public string? Network { get; init; } = Options.Network.Default;

    public ContainerSelection Selection { get; init; } = ContainerSelection.BuiltIn;
}
