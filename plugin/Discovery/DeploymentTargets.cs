using ExecdJvb.Discovery.Docker;
using ExecdJvb.Discovery.Loopback;
using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery;

/// <summary>
/// Zero-config discovery of a whole deployment: Docker first; while Docker runs no Jitsi container, or has not answered
/// since the start (no Docker on this host), the components are looked for on this host's loopback at their well-known
/// ports, so a Jitsi installed from packages is found as one in Docker is. A Jitsi in Docker is never also read through
/// the ports it publishes there, and costs no probe. Once Docker has answered, an outage keeps the last list, as Docker
/// alone does.
/// </summary>
internal sealed class DeploymentTargets(DockerTargets docker, LoopbackTargets loopback) : ITargetSource
{
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
            return _dockerAnswered ? null : loopback.Find(cancellationToken);
        }

        _dockerAnswered = true;
        if (docker.LastFound.Count > 0)
        {
            loopback.Forget();
            return fromDocker;
        }

        return loopback.Find(cancellationToken);
    }

    public bool? DockerAnswered => docker.DockerAnswered;

    public void Unanswered(ComponentTarget target) => loopback.Unanswered(target);

    public string? JvbContainerOf(string nickname, CancellationToken cancellationToken) => docker.JvbContainerOf(nickname, cancellationToken);
}
