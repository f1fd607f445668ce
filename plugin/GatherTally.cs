using System.Text;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;

namespace ExecdJvb;

/// <summary>
/// The plugin's own point for one gather (the self_measurement option): how many components were found and answered
/// (and of them, JVBs), the failures by kind, how long the gather took and whether Docker answered. Every field is a float, always, so each
/// keeps one type in InfluxDB whatever the gather gave.
/// </summary>
internal sealed class GatherTally(string measurement, string source)
{
    private static readonly byte[] SourceKey = "source"u8.ToArray();
    private static readonly byte[] TargetsFound = "targets_found"u8.ToArray();
    private static readonly byte[] TargetsAnswered = "targets_answered"u8.ToArray();
    private static readonly byte[] JvbsFound = "jvbs_found"u8.ToArray();
    private static readonly byte[] JvbsAnswered = "jvbs_answered"u8.ToArray();
    private static readonly byte[] FailuresDocker = "failures_docker"u8.ToArray();
    private static readonly byte[] FailuresConnect = "failures_connect"u8.ToArray();
    private static readonly byte[] FailuresHttp = "failures_http"u8.ToArray();
    private static readonly byte[] FailuresUnreadable = "failures_unreadable"u8.ToArray();
    private static readonly byte[] GatherSeconds = "gather_seconds"u8.ToArray();
    private static readonly byte[] DockerAnsweredField = "docker_answered"u8.ToArray();

    private readonly byte[] _measurement = Encoding.UTF8.GetBytes(measurement);
    private readonly byte[] _source = Encoding.UTF8.GetBytes(source);
    private readonly int[] _outcomes = new int[Enum.GetValues<TargetOutcome>().Length];
    private int _found;
    private int _jvbsFound;
    private int _jvbsAnswered;
    private bool? _dockerAnswered;

    public void Start()
    {
        Array.Clear(_outcomes);
        _found = 0;
        _jvbsFound = 0;
        _jvbsAnswered = 0;
        _dockerAnswered = null;
    }

    /// <summary>Whether Docker answered this gather's list; null where Docker is not asked (static urls).</summary>
    public void Docker(bool? answered) => _dockerAnswered = answered;

    public void Found(int count) => _found = count;

    /// <summary>One component's outcome; the JVBs are also counted apart, as the bridges are what an operator alerts on first.</summary>
    public void Add(JitsiComponent component, TargetOutcome outcome)
    {
        _outcomes[(int)outcome]++;
        if (component == JitsiComponent.Jvb)
        {
            _jvbsFound++;
            _jvbsAnswered += outcome == TargetOutcome.Answered ? 1 : 0;
        }
    }

    public void Write(LineProtocolWriter batch, double seconds, long timestamp)
    {
        if (!batch.BeginLine(_measurement, distinctFieldKeys: true))
        {
            return;
        }

        batch.AddTag(SourceKey, _source);
        batch.AddField(TargetsFound, _found);
        batch.AddField(TargetsAnswered, _outcomes[(int)TargetOutcome.Answered]);
        batch.AddField(JvbsFound, _jvbsFound);
        batch.AddField(JvbsAnswered, _jvbsAnswered);
        batch.AddField(FailuresDocker, _dockerAnswered == false ? 1 : 0);
        batch.AddField(FailuresConnect, _outcomes[(int)TargetOutcome.NoConnection]);
        batch.AddField(FailuresHttp, _outcomes[(int)TargetOutcome.HttpStatus]);
        batch.AddField(FailuresUnreadable, _outcomes[(int)TargetOutcome.Unreadable]);
        batch.AddField(GatherSeconds, seconds);
        if (_dockerAnswered is { } answered)
        {
            batch.AddField(DockerAnsweredField, answered ? 1 : 0);
        }

        batch.EndLine(timestamp);
    }
}

/// <summary>What became of one component in one gather, as the plugin's own measurement counts it.</summary>
internal enum TargetOutcome
{
    /// <summary>Its stats were written.</summary>
    Answered,

    /// <summary>No connection or no answer in time: refused, unreachable, timed out, closed, a name or TLS failure.</summary>
    NoConnection,

    /// <summary>An HTTP answer whose status is not a success.</summary>
    HttpStatus,

    /// <summary>An answer that could not be read: not HTTP, too large, not the format its endpoint serves, nothing to write.</summary>
    Unreadable,
}
