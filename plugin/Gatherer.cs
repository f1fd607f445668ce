using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Discovery;
using ExecdJvb.Execd;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping.Colibri;
using ExecdJvb.Mapping.Prometheus;
using ExecdJvb.Mapping;

namespace ExecdJvb;

/// <summary>
/// One gather: ask the target source which JVBs exist, fetch each one's stats, /about/health and (once per
/// instance) /about/version all at once, map each answer into the batch, and log only what changed. The batch
/// stays valid until the next gather.
/// </summary>
internal sealed class Gatherer
{
    /// <summary>The float field /about/health gives: 1 healthy, 0 unhealthy; absent when the JVB gave no health answer.</summary>
    public const string HealthyField = "healthy";

    /// <summary>An unhealthy JVB's reason is logged up to this many characters.</summary>
    private const int MaxReasonLength = 200;

    private readonly ITargetSource _targets;
    private readonly StatsClient _client;
    private readonly TargetStateLog _states;
    private readonly StderrLog _log;
    private readonly TimeProvider _time;
    private readonly StatsSource _source;
    private readonly bool _prometheusSchema;
    private readonly bool _tagVersion;
    private readonly StatsMapper _colibri;
    private readonly MetricsStatsMapper _metrics;
    private readonly PrometheusSchemaMapper _prometheus = new();
    private readonly byte[] _measurement;
    private readonly byte[] _healthy = Encoding.UTF8.GetBytes(HealthyField);
    private readonly Dictionary<string, JvbInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<string> _gone = [];
    private readonly LineProtocolWriter _batch = new();
    private JvbTarget[] _lastTargets = [];
    private JvbInstance[] _lastInstances = [];
    private long _timestamp;
    private long _gathers;

    public Gatherer(ITargetSource targets, StatsClient client, PluginSettings settings, TargetStateLog states, StderrLog log, TimeProvider time)
    {
        _targets = targets;
        _client = client;
        _states = states;
        _log = log;
        _time = time;
        _source = settings.Source;
        _prometheusSchema = settings.MetricsSchema == MetricsSchema.Prometheus;
        _tagVersion = settings.TagVersion;
        _measurement = Encoding.UTF8.GetBytes(settings.Measurement);
        _colibri = new StatsMapper(settings.Measurement, settings.TagKeys, settings.JsonStringFields, HealthyField);
        _metrics = new MetricsStatsMapper(settings.Measurement, settings.JsonStringFields, HealthyField);
    }

    public async Task<ReadOnlyMemory<byte>> GatherAsync(CancellationToken stopping)
    {
        _batch.Clear();
        DateTimeOffset now = _time.GetUtcNow();

        // One timestamp per gather, as Telegraf gives all metrics of one interval the same time.
        _timestamp = (now - DateTimeOffset.UnixEpoch).Ticks * 100;

        // The JVBs of the last gather are asked first and the target source, which blocks, says meanwhile which JVBs
        // there are now, so with Docker the list call and the fetches overlap instead of adding up. An early answer is
        // used only for the same instance at the same address; any other is dropped unread.
        Task<JvbAnswers>?[] early = StartEarlyFetches(now, stopping);
        IReadOnlyList<JvbTarget> current;
        try
        {
            current = _targets.GetTargets(stopping);
        }
        catch
        {
            Drop(early);
            throw;
        }

        if (current.Count == 0)
        {
            // Instances are kept as they are: an empty list may only mean Docker did not answer this time.
            Drop(early);
            _lastTargets = [];
            _lastInstances = [];
            return ReadOnlyMemory<byte>.Empty;
        }

        _gathers++;
        var jvbs = new JvbInstance[current.Count];
        for (int i = 0; i < current.Count; i++)
        {
            jvbs[i] = Track(current[i]);
        }

        ForgetGone();
        var fetches = new Task<JvbAnswers>[current.Count];
        for (int i = 0; i < current.Count; i++)
        {
            fetches[i] = TakeEarly(early, current[i], jvbs[i]) ?? FetchAsync(jvbs[i], now, stopping);
        }

        Drop(early);

        // Every fetch is awaited before any result is used, so buffers are released even if one throws.
        try
        {
            await Task.WhenAll(fetches).ConfigureAwait(false);
        }
        catch
        {
            foreach (Task<JvbAnswers> fetch in fetches)
            {
                if (fetch.IsCompletedSuccessfully)
                {
                    fetch.Result.Release();
                }
            }

            throw;
        }

        for (int i = 0; i < current.Count; i++)
        {
            JvbAnswers answers = fetches[i].Result;
            try
            {
                Record(current[i], jvbs[i], answers, now);
            }
            finally
            {
                answers.Release();
            }
        }

        _lastTargets = [.. current];
        _lastInstances = jvbs;
        return _batch.WrittenMemory;
    }

    private Task<JvbAnswers>?[] StartEarlyFetches(DateTimeOffset now, CancellationToken stopping)
    {
        var early = new Task<JvbAnswers>?[_lastInstances.Length];
        for (int i = 0; i < early.Length; i++)
        {
            early[i] = FetchAsync(_lastInstances[i], now, stopping);
        }

        return early;
    }

    /// <summary>The early fetch made for this very instance at this address, taken out of <paramref name="early"/>.</summary>
    private Task<JvbAnswers>? TakeEarly(Task<JvbAnswers>?[] early, JvbTarget target, JvbInstance jvb)
    {
        for (int i = 0; i < early.Length; i++)
        {
            if (early[i] is { } fetch && ReferenceEquals(_lastInstances[i], jvb) && _lastTargets[i].StatsUri == target.StatsUri)
            {
                early[i] = null;
                return fetch;
            }
        }

        return null;
    }

    /// <summary>
    /// Lets unused early fetches finish on their own (bounded by the timeout) and gives their buffers back then: a JVB
    /// that has just gone may not answer at all, and the gather must not wait for it.
    /// </summary>
    private static void Drop(Task<JvbAnswers>?[] early)
    {
        for (int i = 0; i < early.Length; i++)
        {
            early[i]?.ContinueWith(
                static fetch =>
                {
                    if (fetch.IsCompletedSuccessfully)
                    {
                        fetch.Result.Release();
                    }
                    else
                    {
                        // Observed, so a cancelled or failed answer nobody wanted is not reported as unobserved.
                        _ = fetch.Exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            early[i] = null;
        }
    }

    private JvbInstance Track(JvbTarget target)
    {
        if (_instances.TryGetValue(target.Instance, out JvbInstance? jvb))
        {
            jvb.Refresh(target);
        }
        else
        {
            jvb = new JvbInstance(target);
            _instances.Add(target.Instance, jvb);
        }

        jvb.LastGather = _gathers;
        return jvb;
    }

    /// <summary>Drops what is known of instances no longer listed: a container that comes back is a new start.</summary>
    private void ForgetGone()
    {
        foreach ((string instance, JvbInstance jvb) in _instances)
        {
            if (jvb.LastGather != _gathers)
            {
                _gone.Add(instance);
            }
        }

        foreach (string instance in _gone)
        {
            _instances.Remove(instance);
        }

        _gone.Clear();
    }

    /// <summary>Stats, health and the version of one JVB, concurrently; with source = auto, a 404 on colibri asks /metrics at once.</summary>
    private async Task<JvbAnswers> FetchAsync(JvbInstance jvb, DateTimeOffset now, CancellationToken stopping)
    {
        JvbEndpoints endpoints = jvb.Endpoints;
        bool readMetrics = jvb.ReadsMetrics(_source, now);
        Task<FetchResult> stats = readMetrics
            ? _client.FetchAsync(endpoints.Metrics, StatsClient.PrometheusTextAccept, keepErrorBody: false, stopping)
            : _client.FetchAsync(endpoints.Colibri!, StatsClient.JsonAccept, keepErrorBody: false, stopping);
        Task<FetchResult>? health = jvb.HealthDue(now)
            ? _client.FetchAsync(endpoints.Health, StatsClient.JsonAccept, keepErrorBody: true, stopping)
            : null;
        Task<FetchResult>? version = _tagVersion && jvb.VersionDue(now)
            ? _client.FetchAsync(endpoints.Version, StatsClient.JsonAccept, keepErrorBody: false, stopping)
            : null;

        var answers = new JvbAnswers { FromMetrics = readMetrics };
        try
        {
            answers.Stats = await stats.ConfigureAwait(false);
            if (!readMetrics && _source == StatsSource.Auto && answers.Stats.Status == 404)
            {
                answers.Colibri404 = answers.Stats;
                answers.Stats = null;
                answers.Stats = await _client.FetchAsync(endpoints.Metrics, StatsClient.PrometheusTextAccept, keepErrorBody: false, stopping).ConfigureAwait(false);
                answers.FromMetrics = true;
            }

            answers.Health = health is null ? null : await health.ConfigureAwait(false);
            answers.Version = version is null ? null : await version.ConfigureAwait(false);
            return answers;
        }
        catch
        {
            answers.Release();
            throw;
        }
    }

    private void Record(JvbTarget target, JvbInstance jvb, JvbAnswers answers, DateTimeOffset now)
    {
        FetchFailure? failure = ChooseSource(target.Name, jvb, answers, now);
        double healthy = answers.Health is { } health ? Health(target.Name, jvb, health, now) : double.NaN;
        if (answers.Version is { } version)
        {
            TakeVersion(target.Name, jvb, version, now);
        }

        IReadOnlyList<TargetTag> tags = jvb.TagsFor(target, _tagVersion);
        bool prometheus = answers.FromMetrics && _prometheusSchema;
        if (prometheus)
        {
            // The prometheus schema names each point after its metric family: health gets a point of its own.
            WriteHealthPoint(tags, healthy);
        }

        if (failure is not null)
        {
            _states.Failed(target.Name, failure.Cause, $"JVB {target.Name}: {failure.Message}");
            if (!prometheus)
            {
                WriteHealthPoint(tags, healthy);
            }

            return;
        }

        ReadOnlySpan<byte> body = answers.Stats!.Body;
        MapOutcome outcome = !answers.FromMetrics ? _colibri.Map(body, tags, _timestamp, _batch, healthy)
            : prometheus ? _prometheus.Map(body, tags, _timestamp, _batch)
            : _metrics.Map(body, tags, _timestamp, _batch, healthy);
        if (!outcome.Written)
        {
            string what = outcome.Status switch
            {
                MapStatus.NotJson => "the answer is not JSON",
                MapStatus.NotObject => "the answer is JSON but not a JSON object",
                MapStatus.NotPrometheusText => "the answer is not Prometheus text",
                _ => "the answer has no numbers to write",
            };
            _states.Failed(target.Name, outcome.Status.ToString(), $"JVB {target.Name}: {what}: {outcome.Detail}");
            if (!prometheus)
            {
                WriteHealthPoint(tags, healthy);
            }

            return;
        }

        if (outcome.SkippedValues > 0)
        {
            _log.Debug($"JVB {target.Name}: {outcome.SkippedValues} numbers skipped (out of range for a float, or keys that cannot be written)");
        }

        _states.Succeeded(target.Name, $"JVB {target.Name} answers again");
    }

    /// <summary>
    /// For source = auto, settles which endpoint this instance is read from after what it answered, and logs a switch
    /// once; returns why the stats answer is unusable, or null.
    /// </summary>
    private FetchFailure? ChooseSource(string name, JvbInstance jvb, JvbAnswers answers, DateTimeOffset now)
    {
        FetchFailure? failure = answers.Stats!.Failure;
        if (answers.Colibri404 is { Failure: { } colibriFailure })
        {
            if (failure is null || jvb.ReadingMetrics)
            {
                if (!jvb.ReadingMetrics)
                {
                    _log.Info($"JVB {name}: /colibri/stats answers 404 (its colibri REST API is off, as COLIBRI_REST_ENABLED=false on docker-jitsi-meet), so {StaticTargets.RedactedUrl(jvb.Endpoints.Metrics)} is read instead");
                }

                jvb.UseMetrics(now);
                return failure;
            }

            // Neither answers: say so for both, and ask colibri first again next time, so whichever is turned on is found at once.
            return new FetchFailure($"{colibriFailure.Cause}+metrics-{failure.Cause}", $"{colibriFailure.Message}; and its /metrics: {failure.Message}");
        }

        if (!answers.FromMetrics && failure is null && jvb.ReadingMetrics)
        {
            _log.Info($"JVB {name}: /colibri/stats answers again, so it is read instead of /metrics");
            jvb.UseColibri();
        }

        return failure;
    }

    /// <summary>
    /// The healthy field from /about/health (jicoco's Health resource: 200 with no body when healthy; 500 for a hard
    /// failure or 503, with the reason as the body): 1, 0, or NaN when the JVB gave no health answer.
    /// </summary>
    private double Health(string name, JvbInstance jvb, FetchResult health, DateTimeOffset now)
    {
        int status = health.Status;
        if (status == 404)
        {
            // The health API is off: asking every gather would double the requests for nothing.
            jvb.HealthApiOff(now);
            return double.NaN;
        }

        if (status is >= 200 and < 300)
        {
            if (jvb.UnhealthyCause is not null)
            {
                _log.Info($"JVB {name} is healthy again");
                jvb.UnhealthyCause = null;
            }

            jvb.OddHealthStatus = 0;
            return 1;
        }

        if (status is 500 or 503)
        {
            string reason = Reason(health.Body);
            string cause = $"{status} {reason}";
            string message = $"JVB {name} is unhealthy: /about/health answers {health.Failure?.Message}: {reason}";
            if (jvb.UnhealthyCause == cause)
            {
                _log.Debug(message);
            }
            else
            {
                _log.Warn(message);
                jvb.UnhealthyCause = cause;
            }

            return 0;
        }

        // No answer: the stats failure says why. Anything else is worth a D! line once.
        if (status != 0 && jvb.OddHealthStatus != status)
        {
            _log.Debug($"JVB {name}: /about/health answers {health.Failure?.Message}; no {HealthyField} field is written");
            jvb.OddHealthStatus = status;
        }

        return double.NaN;
    }

    /// <summary>The body of a failed health check as one short line.</summary>
    private static string Reason(ReadOnlySpan<byte> body)
    {
        string text = string.Join(' ', StderrLog.OneLine(Encoding.UTF8.GetString(body)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? "(no reason given)"
            : text.Length > MaxReasonLength ? string.Concat(text.AsSpan(0, MaxReasonLength), "…")
            : text;
    }

    private void TakeVersion(string name, JvbInstance jvb, FetchResult answer, DateTimeOffset now)
    {
        // No answer at all: the JVB is down or restarting and the stats failure says so; ask again next gather.
        if (answer.Status == 0)
        {
            return;
        }

        string problem;
        if (answer.Failure is not null)
        {
            problem = answer.Failure.Message;
        }
        else if (JvbVersionDocument.TryRead(answer.Body, out string? version, out string? unreadable))
        {
            jvb.VersionRead(version);
            return;
        }
        else
        {
            problem = unreadable;
        }
        TimeSpan retry = jvb.VersionFailed(now);

        // 404 is the version API turned off, a choice; anything else is said once per instance, and only as D!.
        if (!jvb.VersionProblemLogged && answer.Status != 404)
        {
            _log.Debug($"JVB {name}: no {JvbInstance.VersionTag} tag: /about/version: {problem}; asked again in {GoDuration.Format(retry)}, then less and less often");
        }

        jvb.VersionProblemLogged = true;
    }

    /// <summary>The healthy field alone with the JVB's tags: for the prometheus schema, and for a JVB whose stats gave nothing.</summary>
    private void WriteHealthPoint(IReadOnlyList<TargetTag> tags, double healthy)
    {
        if (double.IsNaN(healthy) || !_batch.BeginLine(_measurement, distinctFieldKeys: true))
        {
            return;
        }

        for (int t = 0; t < tags.Count; t++)
        {
            _batch.AddTag(tags[t].KeyUtf8, tags[t].ValueUtf8);
        }

        _batch.AddField(_healthy, healthy);
        _batch.EndLine(_timestamp);
    }
}
