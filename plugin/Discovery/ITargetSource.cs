using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery;

/// <summary>Answers "which Jitsi components are there now?"; asked afresh on every gather, so targets may come and go.</summary>
internal interface ITargetSource
{
    /// <summary>A short description for log lines and --help ("2 static URLs", "Docker at unix:///...").</summary>
    string Description { get; }

    /// <summary>What to say when the list is empty, or null for a source whose list never is.</summary>
    string? NoneFound { get; }

    /// <summary>The components there are now, or null when the source could not tell this time (it has said why).</summary>
    IReadOnlyList<ComponentTarget>? GetTargets(CancellationToken cancellationToken);

    /// <summary>Whether Docker answered this gather's list, or null for a source that does not ask Docker.</summary>
    bool? DockerAnswered => null;

    /// <summary>
    /// The name of the JVB container read here that is the bridge a Jicofo names <paramref name="nickname"/> in its
    /// brewery, or null. Asked while a gather writes Jicofo's view of the fleet, after its list: a source may then ask
    /// Docker what only an inspect tells.
    /// </summary>
    string? JvbContainerOf(string nickname, CancellationToken cancellationToken) => null;

    /// <summary>
    /// Told after a gather when one of its components gave no answer at all (refused, timed out). The one way back up the
    /// flow, as the simplest thing: only a read learns that a port proven on the loopback went silent, and proving every
    /// port again before each read would cost a request per component per gather.
    /// </summary>
    void Unanswered(ComponentTarget target)
    {
    }
}
