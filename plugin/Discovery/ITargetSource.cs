using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery;

/// <summary>Answers "which JVBs are there now?"; asked afresh on every gather, so targets may come and go.</summary>
internal interface ITargetSource
{
    /// <summary>A short description for log lines and --help ("2 static URLs", "Docker at unix:///...").</summary>
    string Description { get; }

    /// <summary>
    /// Blocks until the list is known: it runs on the gather thread, after the last gather's JVBs have been asked, and
    /// nothing else waits for that thread meanwhile.
    /// </summary>
    IReadOnlyList<JvbTarget> GetTargets(CancellationToken cancellationToken);
}
