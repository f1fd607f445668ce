namespace ExecdJvb.Mapping;

/// <summary>What became of one JVB answer: a line, or the reason there is none.</summary>
internal readonly record struct MapOutcome(MapStatus Status, string? Detail = null, int SkippedValues = 0)
{
    public bool Written => Status == MapStatus.Written;
}
