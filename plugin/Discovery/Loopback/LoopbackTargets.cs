using ExecdJvb.Execd;
using ExecdJvb.Http;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Discovery.Loopback;

/// <summary>
/// Finds the components installed on this host (Jitsi's Debian packages), each on its well-known port of the loopback,
/// 127.0.0.1: a port counts only once the component proves itself there, and is read like a listed URL (tag url). A
/// port with nothing on it costs one refused connection per gather; one where another program answers is asked again
/// only once a minute, and never read.
/// </summary>
internal sealed class LoopbackTargets
{
    /// <summary>How long a port where another program answers is left alone.</summary>
    private const int OtherRetryMilliseconds = 60_000;

    private readonly BlockingHttpClient _client;
    private readonly StderrLog _log;
    private readonly LoopbackPort[] _ports;

    public LoopbackTargets(BlockingHttpClient client, IEnumerable<ComponentProfile> components, StderrLog log)
    {
        _client = client;
        _log = log;
        _ports =
        [
            .. components.Select(profile =>
            {
                Uri uri = profile.LoopbackUri;
                return new LoopbackPort(new ComponentTarget(profile, $"127.0.0.1:{profile.Port}", uri, [new TargetTag(TargetTag.UrlKey, uri.AbsoluteUri)], $"loopback {uri.AbsoluteUri}"));
            }),
        ];
        Description = $"this host's 127.0.0.1 ({string.Join(", ", _ports.Select(port => $"{port.Target.Profile.Name} {port.Target.Profile.Port}"))})";
    }

    /// <summary>Which ports are looked at, for log lines and --help.</summary>
    public string Description { get; }

    /// <summary>Every port looked at, with what it was found to be, for --discover.</summary>
    public IReadOnlyList<LoopbackPort> Ports => _ports;

    /// <summary>The components proven on their ports now.</summary>
    public List<ComponentTarget> Find(CancellationToken stopping)
    {
        var found = new List<ComponentTarget>();
        foreach (LoopbackPort port in _ports)
        {
            if (!port.Proven && Environment.TickCount64 >= port.NextProbe)
            {
                Probe(port, stopping);
            }

            if (port.Proven)
            {
                found.Add(port.Target);
            }
        }

        return found;
    }

    /// <summary>The components are found elsewhere now: should they come back here, each proves itself anew.</summary>
    public void Forget()
    {
        foreach (LoopbackPort port in _ports)
        {
            port.Proven = false;
        }
    }

    /// <summary>
    /// A proven component gave no answer: its port is proven again before it is next read, so a program that takes the
    /// port meanwhile is never read as the component.
    /// </summary>
    public void Unanswered(ComponentTarget target)
    {
        foreach (LoopbackPort port in _ports)
        {
            if (port.Target.Instance == target.Instance)
            {
                port.Proven = false;
            }
        }
    }

    private void Probe(LoopbackPort port, CancellationToken stopping)
    {
        ComponentProfile profile = port.Target.Profile;
        LoopbackAnswer answer = LoopbackProof.Probe(_client, profile, stopping, out string detail);
        port.NextProbe = 0;
        switch (answer)
        {
            case LoopbackAnswer.Proven:
                port.Proven = true;
                port.Other = null;
                port.Target = port.Target with { Found = detail };
                break;
            case LoopbackAnswer.Other:
                port.NextProbe = Environment.TickCount64 + OtherRetryMilliseconds;
                if (port.Other != detail)
                {
                    _log.Debug($"127.0.0.1:{profile.Port} answers, but not as {profile.Name} ({detail}); it is not read");
                    port.Other = detail;
                }

                break;
            default:
                port.Other = null;
                break;
        }
    }
}

/// <summary>One component's well-known port on this host's loopback, and what it was last found to be.</summary>
internal sealed class LoopbackPort(ComponentTarget target)
{
    public ComponentTarget Target { get; set; } = target;

    /// <summary>Whether the component proved itself there and has answered since.</summary>
    public bool Proven { get; set; }

    /// <summary>When something else answers there, asked again after this tick count (it rarely changes), else 0.</summary>
    public long NextProbe { get; set; }

    /// <summary>What answered there last time without proving to be the component, so it is said once.</summary>
    public string? Other { get; set; }
}
