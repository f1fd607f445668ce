namespace ExecdJvb;

/// <summary>Answers "which JVBs are there now?"; asked afresh on every gather, so targets may come and go.</summary>
internal interface ITargetSource
{
    /// <summary>A short description for log lines and --help ("2 static URLs", "Docker at unix:///...").</summary>
    string Description { get; }

    ValueTask<IReadOnlyList<JvbTarget>> GetTargetsAsync(CancellationToken cancellationToken);
}
