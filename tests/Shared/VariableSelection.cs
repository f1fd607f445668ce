namespace ExecdJvb.Tests.Integration;

/// <summary>
/// What is picked in a variable's drop-down: "All" (<see cref="IsAll"/>, with <see cref="Values"/> the options
/// the variable's query listed, as Grafana keeps them) or the values ticked.
/// </summary>
internal sealed record VariableSelection(GrafanaVariable Variable, bool IsAll, IReadOnlyList<string> Values)
{
    public static VariableSelection All(GrafanaVariable variable, IReadOnlyList<string> options) => new(variable, true, options);

    public static VariableSelection Of(GrafanaVariable variable, params string[] values) => new(variable, false, values);

    public override string ToString() => $"{Variable.Name}={(IsAll ? "All" : string.Join('+', Values))}";
}
