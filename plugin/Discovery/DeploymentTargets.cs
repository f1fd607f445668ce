using ExecdJvb.Configuration;
using ExecdJvb.Discovery.Docker;
using ExecdJvb.Discovery.Loopback;
using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery;

/// <summary>
/// Zero-config discovery of a whole deployment: Docker first; each component Docker lists no container of is looked for
/// on this host's loopback at its well-known port, so a Jitsi installed from packages is found as one in Docker is, and a
/// component Docker runs is never read a second time through a port it publishes there. While Docker has never
/// answered (no Docker on this host) only the loopback is looked at; once it has, an outage keeps the last list, as
/// Docker alone does.
/// </summary>
internal sealed class DeploymentTargets(DockerTargets docker, LoopbackTargets loopback) : ITargetSource
{
    private static readonly HashSet<JitsiComponent> NoneElsewhere = [];

    private readonly HashSet<JitsiComponent> _inDocker = [];
    private bool _dockerAnswered;

    public string Description { get; } = $"{docker.Description}; else {loopback.Description}";

    public string NoneFound => _dockerAnswered
        ? $"{docker.NoneFound}, nor on {loopback.Description}"
        : $"no Jitsi component found on {loopback.Description}";

    public IReadOnlyList<ComponentTarget>? GetTargets(CancellationToken cancellationToken)
    {
        IReadOnlyList<ComponentTarget>? fromDocker = docker.GetTargets(cancellationToken);
        if (fromDocker is null)
        {
            return _dockerAnswered ? null : loopback.Find(NoneElsewhere, cancellationToken);
        }

        _dockerAnswered = true;
        _inDocker.Clear();
        foreach ((DiscoveredContainer container, _) in docker.LastFound)
        {
            _inDocker.Add(container.Component);
        }

        List<ComponentTarget> local = loopback.Find(_inDocker, cancellationToken);
        return local.Count == 0 ? fromDocker : [.. fromDocker, .. local];
    }

    public bool? DockerAnswered => docker.DockerAnswered;

    public void Unanswered(ComponentTarget target) => loopback.Unanswered(target);
}
