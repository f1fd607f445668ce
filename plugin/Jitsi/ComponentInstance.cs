using ExecdJvb.Configuration;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Jitsi;

/// <summary>
/// What the plugin remembers of one component instance (a container ID, or a listed URL) from one gather to the next:
/// the source its stats come from, its version, and its health as last logged. A new instance starts afresh, so a
/// recreated container (a new ID, perhaps with COLIBRI_REST_ENABLED changed) is probed and asked its version again.
/// </summary>
internal sealed class ComponentInstance
{
    /// <summary>How long source = auto keeps reading /metrics before it asks the JSON statistics again.</summary>
    public static readonly TimeSpan ColibriProbeInterval = TimeSpan.FromHours(1);

    /// <summary>How long a health API found off (404) goes unasked.</summary>
    public static readonly TimeSpan HealthProbeInterval = TimeSpan.FromHours(1);

    /// <summary>How long a Jicofo whose debug routes are off (/debug answers 404 or 403) goes unasked.</summary>
    public static readonly TimeSpan DebugProbeInterval = TimeSpan.FromHours(1);

    /// <summary>The first pause after /about/version gave no version; each failure doubles it, up to <see cref="LastVersionRetry"/>.</summary>
    public static readonly TimeSpan FirstVersionRetry = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan LastVersionRetry = TimeSpan.FromHours(1);

    public const string VersionTag = "version";

    private Uri _statsUri;
    private DateTimeOffset _colibriProbeAt;
    private DateTimeOffset _versionDueAt;
    private DateTimeOffset _healthDueAt;
    private DateTimeOffset _debugDueAt;
    private TimeSpan _versionRetry;
    private IReadOnlyList<TargetTag>? _tagsFrom;
    private TargetTag[]? _tagsWithVersion;

    public ComponentInstance(ComponentTarget target)
    {
        Name = target.Name;
        Profile = target.Profile;
        _statsUri = target.StatsUri;
        Endpoints = ComponentEndpoints.From(target.Profile, target.StatsUri);
    }

    public ComponentProfile Profile { get; }

    public ComponentEndpoints Endpoints { get; private set; }

    /// <summary>How log lines name it, as when it was last listed.</summary>
    public string Name { get; private set; }

    /// <summary>Whether its coming was said (a discovered component), so its going is said too.</summary>
    public bool Announced { get; init; }

    /// <summary>Whether the list being taken names this instance.</summary>
    public bool Listed { get; set; }

    /// <summary>source = auto found the JSON statistics off (404) and reads /metrics.</summary>
    public bool ReadingMetrics { get; private set; }

    /// <summary>The version /about/version gave, or null while none was read.</summary>
    public string? Version { get; private set; }

    /// <summary>Whether a version problem was logged for this instance (it is logged once, whatever follows).</summary>
    public bool VersionProblemLogged { get; set; }

    /// <summary>The unhealthy answer last logged (status and reason), or null while healthy or not known.</summary>
    public string? UnhealthyCause { get; set; }

    /// <summary>The last odd /about/health status logged (neither healthy, unhealthy nor 404), or 0.</summary>
    public int OddHealthStatus { get; set; }

    /// <summary>Whether its debug routes were found off and said so (said once per instance, whatever follows).</summary>
    public bool DebugOffLogged { get; set; }

    /// <summary>Follows the target's stats URL, which may move (a container with a new address keeps its ID); true when it moved.</summary>
    public bool Refresh(ComponentTarget target)
    {
        Name = target.Name;
        if (ReferenceEquals(target.StatsUri, _statsUri) || _statsUri.OriginalString == target.StatsUri.OriginalString)
        {
            return false;
        }

        _statsUri = target.StatsUri;
        Endpoints = ComponentEndpoints.From(Profile, target.StatsUri);
        return true;
    }

    /// <summary>Whether this gather reads /metrics rather than /colibri/stats.</summary>
    public bool ReadsMetrics(StatsSource source, DateTimeOffset now) => Endpoints.Metrics is not null && (Endpoints.MetricsOnly || source switch
    {
        StatsSource.Metrics => true,
        StatsSource.Colibri => false,
        _ => ReadingMetrics && now < _colibriProbeAt,
    });

    /// <summary>/metrics answered in place of a /colibri/stats that answers 404: read it for the next hour.</summary>
    public void UseMetrics(DateTimeOffset now)
    {
        ReadingMetrics = true;
        _colibriProbeAt = now + ColibriProbeInterval;
    }

    public void UseColibri() => ReadingMetrics = false;

    public bool VersionDue(DateTimeOffset now) => Version is null && now >= _versionDueAt;

    /// <summary>Whether this gather asks /about/health: always, unless it answered 404 within the last hour.</summary>
    public bool HealthDue(DateTimeOffset now) => now >= _healthDueAt;

    /// <summary>/about/health answered 404 (the health API is off, as Jicofo's is without health checks): ask again in an hour, or for a new instance.</summary>
    public void HealthApiOff(DateTimeOffset now) => _healthDueAt = now + HealthProbeInterval;

    /// <summary>Whether this gather asks Jicofo's /debug: always, unless its debug routes were found off within the last hour.</summary>
    public bool DebugDue(DateTimeOffset now) => now >= _debugDueAt;

    /// <summary>/debug answered 404 or 403 (jicofo.rest.debug.enabled is false): ask again in an hour, or for a new instance.</summary>
    public void DebugApiOff(DateTimeOffset now) => _debugDueAt = now + DebugProbeInterval;

    public void VersionRead(string version)
    {
        Version = version;
        _tagsWithVersion = null;
    }

    /// <summary>The component answered /about/version without a version: ask again after a pause that grows; returns the pause.</summary>
    public TimeSpan VersionFailed(DateTimeOffset now)
    {
        _versionRetry = _versionRetry == TimeSpan.Zero ? FirstVersionRetry
            : _versionRetry * 2 > LastVersionRetry ? LastVersionRetry
            : _versionRetry * 2;
        _versionDueAt = now + _versionRetry;
        return _versionRetry;
    }

    /// <summary>The target's tags, with the version tag in its place by key once the version is known (built once, not per gather).</summary>
    public IReadOnlyList<TargetTag> TagsFor(ComponentTarget target, bool tagVersion)
    {
        if (!tagVersion || Version is null)
        {
            return target.Tags;
        }

        if (_tagsWithVersion is null || !SameTags(_tagsFrom, target.Tags))
        {
            _tagsFrom = target.Tags;
            _tagsWithVersion =
            [
                .. target.Tags.Where(tag => tag.Key != VersionTag).Append(new TargetTag(VersionTag, Version)).OrderBy(tag => tag.Key, StringComparer.Ordinal),
            ];
        }

        return _tagsWithVersion;
    }

    /// <summary>Discovery lists its components afresh each gather: the tags are compared by what they say.</summary>
    private static bool SameTags(IReadOnlyList<TargetTag>? a, IReadOnlyList<TargetTag> b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Key != b[i].Key || a[i].Value != b[i].Value)
            {
                return false;
            }
        }

        return true;
    }
}
