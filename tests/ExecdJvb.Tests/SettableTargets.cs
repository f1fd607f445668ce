namespace ExecdJvb.Tests;

/// <summary>A target source whose list the test sets, as Docker discovery would give it (the same name, a new instance).</summary>
internal sealed class SettableTargets : ITargetSource
{
    public IReadOnlyList<ComponentTarget> Current { get; set; } = [];

    public string Description => "targets set by the test";

    public string? NoneFound => "no JVB set by the test";

    public IReadOnlyList<ComponentTarget> GetTargets(CancellationToken cancellationToken) => Current;
}
