using ExecdJvb.Http;
using System.Diagnostics;
using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Discovery;
using ExecdJvb.Execd;
using ExecdJvb.Formats;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping;
using ExecdJvb.Mapping.Json;

namespace ExecdJvb;

/// <summary>
/// One gather, the pipeline's stages in turn: the target source says which components there are, the reader reads each
/// one, and each answer is mapped into the batch by its component's schema; only what changed is logged. The batch stays
/// valid until the next gather. One component is read on the calling thread; several at once, each on a thread of its own
/// kept from one gather to the next, so one that hangs costs the others nothing and the gather one timeout.
/// </summary>
internal sealed class Gatherer
{
    private readonly ITargetSource _targets;
    private readonly ComponentReader _reader;
    private readonly TargetStateLog _states;
    private readonly StderrLog _log;
    private readonly TimeProvider _time;
    private readonly bool _prometheusSchema;
    private readonly JsonFlattener _colibri;
    private readonly JsonFlattener _jicofo;
    private readonly JsonFlattener _jigasi;
    private readonly JitsiStatsShim _metrics;
    private readonly PrometheusSchemaMapper _prometheus = new();
    private readonly OpenMetricsSchemaMapper _openMetrics = new();
    private readonly JicofoFleet _fleet = new();
    private readonly Func<string, string?> _jvbContainerOf;
    private readonly Dictionary<JitsiComponent, byte[]> _measurements;
    private readonly Dictionary<JitsiComponent, LabelRenames> _labelRenames = ComponentProfile.All.ToDictionary(profile => profile.Component, profile => profile.LabelRenames);
    private readonly byte[] _healthy = Encoding.UTF8.GetBytes(ComponentReading.HealthyField);
    private readonly LineProtocolWriter _batch = new();
    private readonly ReaderThreads _readers = new();
    private readonly GatherTally? _tally;
    private readonly bool _reportUnreachable;
    private long _timestamp;
    private CancellationToken _stopping;

    public Gatherer(ITargetSource targets, BlockingHttpClient client, PluginSettings settings, TargetStateLog states, StderrLog log, TimeProvider time)
    {
        _targets = targets;
        _reader = new ComponentReader(client, settings, log, states);
        _states = states;
        _log = log;
        _time = time;
        _prometheusSchema = settings.MetricsSchema == MetricsSchema.Prometheus;
        _measurements = ComponentProfile.All.ToDictionary(
            profile => profile.Component,
            profile => Encoding.UTF8.GetBytes(profile.Component == JitsiComponent.Jvb ? settings.Measurement : profile.Measurement));
        _colibri = new JsonFlattener(settings.Measurement, settings.TagKeys, settings.JsonStringFields, ComponentReading.HealthyField);
        _jicofo = new JsonFlattener(ComponentProfile.Jicofo.Measurement, settings.TagKeys, settings.JsonStringFields, ComponentReading.HealthyField);
        _jigasi = new JsonFlattener(ComponentProfile.Jigasi.Measurement, settings.TagKeys, settings.JsonStringFields, ComponentReading.HealthyField);
        _metrics = new JitsiStatsShim(settings.Measurement, settings.JsonStringFields, ComponentReading.HealthyField);
        _reportUnreachable = settings.ReportUnreachable;
        _tally = settings.SelfMeasurement is { } self ? new GatherTally(self, targets is StaticTargets ? "urls" : "discovery") : null;
        _jvbContainerOf = nickname => _targets.JvbContainerOf(nickname, _stopping);
    }

    public ReadOnlyMemory<byte> Gather(CancellationToken stopping)
    {
        _batch.Clear();
        _stopping = stopping;
        long started = Stopwatch.GetTimestamp();
        DateTimeOffset now = _time.GetUtcNow();
        _tally?.Start();

        // One timestamp per gather, as Telegraf gives all metrics of one interval the same time.
        _timestamp = (now - DateTimeOffset.UnixEpoch).Ticks * 100;

        IReadOnlyList<ComponentTarget>? targets = _targets.GetTargets(stopping);
        _tally?.Docker(_targets.DockerAnswered);

        // No list (Docker did not answer): what is known of the components is kept for when it answers again.
        if (targets is not null)
        {
            // Discovery's words for an empty list travel with the list, so that the last component's going and the
            // empty list are said in one line.
            _reader.Track(targets, _targets.NoneFound);
            _tally?.Found(targets.Count);
            ReadAll(targets, now, stopping);
        }

        _tally?.Write(_batch, Stopwatch.GetElapsedTime(started).TotalSeconds, _timestamp);
        return _batch.WrittenMemory;
    }

    private void ReadAll(IReadOnlyList<ComponentTarget> targets, DateTimeOffset now, CancellationToken stopping)
    {
        if (targets.Count == 0)
        {
            return;
        }

        var readings = new ComponentReading[targets.Count];
        try
        {
            if (targets.Count == 1)
            {
                readings[0] = _reader.Read(targets[0], now, stopping);
            }
            else
            {
                _readers.Run(targets.Count, i => readings[i] = _reader.Read(targets[i], now, stopping));
            }

            for (int i = 0; i < targets.Count; i++)
            {
                TargetOutcome outcome = Write(targets[i], readings[i]);
                _tally?.Add(targets[i].Profile.Component, outcome);
                if (readings[i].Debug is not null)
                {
                    WriteFleet(targets[i], readings[i]);
                }
            }
        }
        finally
        {
            foreach (ComponentReading? reading in readings)
            {
                reading?.Release();
            }
        }
    }

    private TargetOutcome Write(ComponentTarget target, ComponentReading reading)
    {
        string name = target.Name;
        JitsiComponent component = target.Profile.Component;
        byte[] measurement = _measurements[component];

        // Only the JVB's /metrics has a jitsi_stats form; every other component's is written in the prometheus schema.
        bool prometheus = reading.FromMetrics && (_prometheusSchema || component != JitsiComponent.Jvb);
        if (prometheus)
        {
            // The prometheus schema names each point after its metric family: health gets a point of its own.
            WriteHealthPoint(measurement, reading.Tags, reading.Healthy);
        }

        if (reading.Failure is { } failure)
        {
            if (reading.Silent)
            {
                _targets.Unanswered(target);
            }

            _states.Failed(name, failure.Cause, $"{target.Profile.Name} {name}: {failure.Message}");

            // On request, a component found but silent is healthy=0 in its own measurement, so an alert can tell it
            // from the plugin or Telegraf being down; Prosody has no measurement of its own to write it in.
            double healthy = reading.Silent && _reportUnreachable && target.Profile.JsonStatsPath is not null ? 0 : reading.Healthy;
            if (!prometheus || reading.Silent)
            {
                WriteHealthPoint(measurement, reading.Tags, healthy);
            }

            return OutcomeOf(failure);
        }

        ReadOnlySpan<byte> body = reading.Stats!.Body;
        // As Telegraf's inputs.prometheus: its OpenMetrics parser when the answer says it is OpenMetrics text (Prosody's
        // always does), else its Prometheus text parser.
        MapOutcome outcome = prometheus
            ? OpenMetricsContentType.IsOpenMetrics(reading.Stats.ContentType)
                ? _openMetrics.Map(body, reading.Tags, _timestamp, _batch, _labelRenames[component])
                : _prometheus.Map(body, reading.Tags, _timestamp, _batch, _labelRenames[component])
            : reading.FromMetrics ? _metrics.Map(body, reading.Tags, _timestamp, _batch, reading.Healthy)
            : component switch
            {
                JitsiComponent.Jicofo => _jicofo.Map(body, reading.Tags, _timestamp, _batch, reading.Healthy),
                JitsiComponent.Jigasi => _jigasi.Map(body, reading.Tags, _timestamp, _batch, reading.Healthy),
                _ => _colibri.Map(body, reading.Tags, _timestamp, _batch, reading.Healthy),
            };
        if (!outcome.Written)
        {
            string what = outcome.Status switch
            {
                MapStatus.NotJson => "the answer is not JSON",
                MapStatus.NotObject => "the answer is JSON but not a JSON object",
                MapStatus.NotPrometheusText => "the answer is not Prometheus text",
                MapStatus.NotOpenMetricsText => "the answer is not OpenMetrics text as Telegraf reads it",
                _ => "the answer has no numbers to write",
            };
            _states.Failed(name, outcome.Status.ToString(), $"{target.Profile.Name} {name}: {what}: {outcome.Detail}");
            if (!prometheus)
            {
                WriteHealthPoint(measurement, reading.Tags, reading.Healthy);
            }

            return TargetOutcome.Unreadable;
        }

        if (outcome.SkippedValues > 0)
        {
            _log.Debug($"{target.Profile.Name} {name}: {outcome.SkippedValues} numbers skipped (out of range for a float, or keys that cannot be written)");
        }

        _states.Succeeded(name, $"{target.Profile.Name} {name} answers again");
        return TargetOutcome.Answered;
    }

    /// <summary>Jicofo's view of the fleet, beside its stats: a /debug that fails or cannot be read is said once and costs the stats nothing.</summary>
    private void WriteFleet(ComponentTarget target, ComponentReading reading)
    {
        FetchResult debug = reading.Debug!;
        string state = JicofoFleet.StateKey(target.Name);
        string what = $"{target.Profile.Name} {target.Name}: {ComponentProfile.DebugPath}";
        string? problem = debug.Failure is { } failure
            ? failure.Message
            : _fleet.Map(debug.Body, reading.Tags, _jvbContainerOf, _timestamp, _batch);
        if (problem is null)
        {
            _states.Succeeded(state, $"{what} answers again");
            return;
        }

        _states.Failed(
            state,
            debug.Failure?.Cause ?? "unreadable",
            $"{what}: {problem}; no {JicofoFleet.BridgeMeasurement}, {JicofoFleet.JibriMeasurement} or {JicofoFleet.JigasiMeasurement} points are written, its stats still are");
    }

    /// <summary>The kind of a failure; for a JVB asked both endpoints, of the last one asked.</summary>
    private static TargetOutcome OutcomeOf(FetchFailure failure) =>
        failure.NoConnection ? TargetOutcome.NoConnection
        : failure.Kind == FetchFailureKind.HttpStatus ? TargetOutcome.HttpStatus
        : TargetOutcome.Unreadable;

    /// <summary>The healthy field alone with the component's tags: for the prometheus schema, and for one whose stats gave nothing.</summary>
    private void WriteHealthPoint(byte[] measurement, IReadOnlyList<TargetTag> tags, double healthy)
    {
        if (double.IsNaN(healthy) || !_batch.BeginLine(measurement, distinctFieldKeys: true))
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
