namespace ExecdJvb.Execd;

/// <summary>
/// Remembers why each target last failed, so the log says a thing once when it changes instead of on
/// every interval: one W! per new cause, one I! on recovery.
/// </summary>
internal sealed class TargetStateLog(StderrLog log)
{
    private readonly Dictionary<string, string> _failing = new(StringComparer.Ordinal);

    /// <param name="target">The target as named in log lines.</param>
    /// <param name="cause">What stays the same while the failure does (kind, status), compared to decide whether to log.</param>
    /// <param name="message">The line to log when the cause is new.</param>
    public void Failed(string target, string cause, string message)
    {
        if (_failing.TryGetValue(target, out string? previous) && previous == cause)
        {
            log.Debug(message);
            return;
        }

        _failing[target] = cause;
        log.Warn(message);
    }

    public void Succeeded(string target, string message)
    {
        if (_failing.Remove(target))
        {
            log.Info(message);
        }
    }

    /// <summary>Drops the memory of a target that no longer exists, so a later one of the same name starts clean.</summary>
    public void Forget(string target) => _failing.Remove(target);
}
