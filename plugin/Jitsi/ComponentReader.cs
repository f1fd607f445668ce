using ExecdJvb.Http;
using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Execd;

namespace ExecdJvb.Jitsi;

/// <summary>
/// Reads the Jitsi components and keeps, in one place, what the plugin knows of each instance from one gather to the
/// next: it says when one is found, moves or goes, and for each read asks its stats (its JSON statistics, or /metrics at
/// once when they answer 404; the JVB's as the source option says), /about/health and, once per instance,
/// /about/version where the component serves them, then settles what they mean.
/// </summary>
internal sealed class ComponentReader(BlockingHttpClient client, PluginSettings settings, StderrLog log, TargetStateLog states)
{
    /// <summary>An unhealthy component's reason is logged up to this many characters.</summary>
    private const int MaxReasonLength = 200;

    private readonly Dictionary<string, ComponentInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<string> _gone = [];
    private bool _reportedNone;

    /// <summary>
    /// Takes the components listed now: new instances are said once (with how they were found), known ones follow their
    /// address, and those no longer listed are forgotten, so a container that comes back is a new start.
    /// </summary>
    /// <param name="targets">The components listed now.</param>
    /// <param name="noneFound">What to say when the list is empty, or null to say nothing (a fixed list is never empty).</param>
    public void Track(IReadOnlyList<ComponentTarget> targets, string? noneFound)
    {
        foreach (ComponentTarget target in targets)
        {
            if (!_instances.TryGetValue(target.Instance, out ComponentInstance? instance))
            {
                if (target.Found is not null)
                {
                    log.Info($"found {target.Profile.Name} {target.Name} at {target.StatsUri} ({target.Found})");
                }

                _instances.Add(target.Instance, instance = new ComponentInstance(target) { Announced = target.Found is not null });
            }
            else if (instance.Refresh(target) && target.Found is not null)
            {
                log.Info($"{target.Profile.Name} {target.Name} moved to {target.StatsUri} ({target.Found})");
            }

            instance.Listed = true;
        }

        foreach ((string id, ComponentInstance instance) in _instances)
        {
            if (!instance.Listed)
            {
                _gone.Add(id);
            }

            instance.Listed = false;
        }

        for (int i = 0; i < _gone.Count; i++)
        {
            ComponentInstance instance = _instances[_gone[i]];
            _instances.Remove(_gone[i]);
            states.Forget(instance.Name);
            states.Forget(JicofoFleet.StateKey(instance.Name));
            if (!instance.Announced)
            {
                continue;
            }

            // When the last one goes, one line says both things, so a stop of Jitsi costs a single log line.
            bool noneLeft = i == _gone.Count - 1 && targets.Count == 0 && noneFound is not null;
            log.Info(noneLeft ? $"{instance.Profile.Name} {instance.Name} is gone; {noneFound}" : $"{instance.Profile.Name} {instance.Name} is gone");
        }

        if (targets.Count == 0 && !_reportedNone && _gone.Count == 0 && noneFound is not null)
        {
            log.Info(noneFound);
        }

        _reportedNone = targets.Count == 0;
        _gone.Clear();
    }

    /// <summary>One component's answers, settled; may run for several at once, as each touches its own instance only.</summary>
    public ComponentReading Read(ComponentTarget target, DateTimeOffset now, CancellationToken stopping)
    {
        ComponentInstance instance = _instances[target.Instance];
        ComponentEndpoints endpoints = instance.Endpoints;
        StatsSource source = instance.Profile.Component == JitsiComponent.Jvb ? settings.Source : StatsSource.Auto;
        bool fromMetrics = instance.ReadsMetrics(source, now);
        FetchResult stats = fromMetrics
            ? client.Fetch(endpoints.Metrics!, BlockingHttpClient.PrometheusTextAccept, keepErrorBody: false, stopping)
            : client.Fetch(endpoints.Json!, BlockingHttpClient.JsonAccept, keepErrorBody: false, stopping);
        FetchResult? colibri404 = null;
        if (!fromMetrics && source == StatsSource.Auto && stats.Status == 404 && endpoints.Metrics is not null)
        {
            colibri404 = stats;
            stats = client.Fetch(endpoints.Metrics, BlockingHttpClient.PrometheusTextAccept, keepErrorBody: false, stopping);
            fromMetrics = true;
        }

        FetchFailure? failure = ChooseSource(target.Name, instance, stats, colibri404, fromMetrics ? endpoints.Metrics! : endpoints.Json!, now);
        if (failure is not null)
        {
            stats.Release();
        }

        // A component that gave no HTTP answer at all (refused, timed out) is not asked more: each request would only wait
        // out its own timeout, and the stats failure already says why.
        bool answers = stats.Status != 0 || colibri404 is not null;
        double healthy = double.NaN;
        if (answers && endpoints.Health is not null && instance.HealthDue(now))
        {
            FetchResult health = client.Fetch(endpoints.Health, BlockingHttpClient.JsonAccept, keepErrorBody: true, stopping);
            healthy = Health(target.Name, instance, health, now);
            health.Release();
        }

        if (answers && settings.TagVersion && endpoints.Version is not null && instance.VersionDue(now))
        {
            FetchResult version = client.Fetch(endpoints.Version, BlockingHttpClient.JsonAccept, keepErrorBody: false, stopping);
            TakeVersion(target.Name, instance, version, now);
            version.Release();
        }

        // The fleet as Jicofo sees it, only from a Jicofo whose stats came: one that gives none would only fail again.
        FetchResult? debug = null;
        if (failure is null && settings.JicofoFleet && endpoints.Debug is not null && instance.DebugDue(now))
        {
            debug = client.Fetch(endpoints.Debug, BlockingHttpClient.JsonAccept, keepErrorBody: false, stopping);
            if (debug.Status is 404 or 403)
            {
                DebugOff(target.Name, instance, debug.Status, now);
                debug.Release();
                debug = null;
            }
        }

        return new ComponentReading
        {
            Stats = failure is null ? stats : null,
            Debug = debug,
            FromMetrics = fromMetrics,
            Failure = failure,
            Silent = !answers,
            Healthy = healthy,
            Tags = instance.TagsFor(target, settings.TagVersion),
        };
    }

    /// <summary>
    /// For source = auto, settles which endpoint this instance is read from after what it answered, and logs a switch
    /// once; returns why the stats answer is unusable, or null.
    /// </summary>
    private FetchFailure? ChooseSource(string name, ComponentInstance instance, FetchResult stats, FetchResult? colibri404, Uri read, DateTimeOffset now)
    {
        bool fromMetrics = ReferenceEquals(read, instance.Endpoints.Metrics);
        FetchFailure? failure = stats.Failure is { } statsFailure ? ApiSettingHint.Add(instance.Profile, read, stats.Status, statsFailure) : null;
        if (colibri404 is { Failure: { } colibri404Failure })
        {
            if (failure is null || instance.ReadingMetrics)
            {
                if (!instance.ReadingMetrics)
                {
                    log.Info(instance.Profile.Component == JitsiComponent.Jvb
                        ? $"JVB {name}: /colibri/stats answers 404 (its colibri REST API is off, as COLIBRI_REST_ENABLED=false on docker-jitsi-meet), so {UrlText.Redacted(instance.Endpoints.Metrics!)} is read instead"
                        : $"{instance.Profile.Name} {name}: {instance.Profile.JsonStatsPath} answers 404, so {UrlText.Redacted(instance.Endpoints.Metrics!)} is read instead");
                }

                instance.UseMetrics(now);
                return failure;
            }

            // Neither answers: say so for both, and ask colibri first again next time, so whichever is turned on is found at once.
            FetchFailure colibriFailure = ApiSettingHint.Add(instance.Profile, instance.Endpoints.Json!, colibri404.Status, colibri404Failure);
            return failure with { Before = colibriFailure, Message = $"{colibriFailure.Message}; and its /metrics: {failure.Message}" };
        }

        if (!fromMetrics && failure is null && instance.ReadingMetrics)
        {
            log.Info($"{instance.Profile.Name} {name}: {instance.Profile.JsonStatsPath} answers again, so it is read instead of /metrics");
            instance.UseColibri();
        }

        return failure;
    }

    private void DebugOff(string name, ComponentInstance instance, int status, DateTimeOffset now)
    {
        instance.DebugApiOff(now);
        if (!instance.DebugOffLogged)
        {
            log.Info($"{instance.Profile.Name} {name}: {ComponentProfile.DebugPath} answers {status}, so the bridges, Jibris and Jigasis it knows are not written: its debug routes are off (jicofo.rest.debug.enabled = false in jicofo.conf); asked again in an hour (or set jicofo_fleet = false)");
            instance.DebugOffLogged = true;
        }
    }

    /// <summary>
    /// The healthy field from /about/health (jicoco's Health resource: 200 with no body when healthy; 500 for a hard
    /// failure or 503, with the reason as the body): 1, 0, or NaN when the component gave no health answer.
    /// </summary>
    private double Health(string name, ComponentInstance instance, FetchResult health, DateTimeOffset now)
    {
        int status = health.Status;
        if (status == 404)
        {
            // The health API is off: asking every gather would double the requests for nothing.
            instance.HealthApiOff(now);
            return double.NaN;
        }

        if (status is >= 200 and < 300)
        {
            if (instance.UnhealthyCause is not null)
            {
                log.Info($"{instance.Profile.Name} {name} is healthy again");
                instance.UnhealthyCause = null;
            }

            instance.OddHealthStatus = 0;
            return 1;
        }

        if (status is 500 or 503)
        {
            string reason = Reason(health.Body);
            string cause = $"{status} {reason}";
            string message = $"{instance.Profile.Name} {name} is unhealthy: /about/health answers {health.Failure?.Message}: {reason}";
            if (instance.UnhealthyCause == cause)
            {
                log.Debug(message);
            }
            else
            {
                log.Warn(message);
                instance.UnhealthyCause = cause;
            }

            return 0;
        }

        // No answer: the stats failure says why. Anything else is worth a D! line once.
        if (status != 0 && instance.OddHealthStatus != status)
        {
            log.Debug($"{instance.Profile.Name} {name}: /about/health answers {health.Failure?.Message}; no {ComponentReading.HealthyField} field is written");
            instance.OddHealthStatus = status;
        }

        return double.NaN;
    }

    /// <summary>The body of a failed health check as one short line: runs of white space and control characters become one space.</summary>
    private static string Reason(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        foreach (char c in Encoding.UTF8.GetString(body))
        {
            bool space = char.IsWhiteSpace(c) || char.IsControl(c);
            if (!space)
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != ' ')
            {
                text.Append(' ');
            }
        }

        string reason = text.ToString().TrimEnd();
        return reason.Length == 0 ? "(no reason given)"
            : reason.Length > MaxReasonLength ? string.Concat(reason.AsSpan(0, MaxReasonLength), "…")
            : reason;
    }

    private void TakeVersion(string name, ComponentInstance instance, FetchResult answer, DateTimeOffset now)
    {
        // No answer at all: the component is down or restarting and the stats failure says so; ask again next gather.
        if (answer.Status == 0)
        {
            return;
        }

        string problem;
        if (answer.Failure is not null)
        {
            problem = answer.Failure.Message;
        }
        else if (VersionDocument.TryRead(answer.Body, out string? version, out string? unreadable))
        {
            instance.VersionRead(version);
            return;
        }
        else
        {
            problem = unreadable;
        }

        TimeSpan retry = instance.VersionFailed(now);

        // 404 is the version API turned off, a choice; anything else is said once per instance, and only as D!.
        if (!instance.VersionProblemLogged && answer.Status != 404)
        {
            log.Debug($"{instance.Profile.Name} {name}: no {ComponentInstance.VersionTag} tag: /about/version: {problem}; asked again in {GoDuration.Format(retry)}, then less and less often");
        }

        instance.VersionProblemLogged = true;
    }
}
