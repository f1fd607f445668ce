using ExecdJvb.Http;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Jitsi;

/// <summary>What one component gave in one gather, settled: the stats answer to map, its health and the tags of its points.</summary>
internal sealed class ComponentReading
{
    /// <summary>The float field /about/health gives: 1 healthy, 0 unhealthy; absent when the component gave no health answer.</summary>
    public const string HealthyField = "healthy";

    /// <summary>The stats answer (its JSON statistics, or /metrics when <see cref="FromMetrics"/>), or null when there is none to map.</summary>
    public FetchResult? Stats { get; init; }

    public bool FromMetrics { get; init; }

    /// <summary>Jicofo's /debug answer (a success or why it is not one), or null when it was not asked or its debug routes are off.</summary>
    public FetchResult? Debug { get; init; }

    /// <summary>Why there are no stats to map, or null.</summary>
    public FetchFailure? Failure { get; init; }

    /// <summary>Whether the component gave no HTTP answer at all (refused, timed out, closed).</summary>
    public bool Silent { get; init; }

    /// <summary>1 healthy, 0 unhealthy, NaN when the component gave no health answer.</summary>
    public double Healthy { get; init; } = double.NaN;

    public required IReadOnlyList<TargetTag> Tags { get; init; }

    public void Release()
    {
        Stats?.Release();
        Debug?.Release();
    }
}
