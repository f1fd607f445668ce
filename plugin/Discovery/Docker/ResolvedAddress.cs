namespace ExecdJvb.Discovery.Docker;

/// <summary>Where a discovered JVB's stats are, and how that was decided (shown by --discover and in log lines).</summary>
internal sealed record ResolvedAddress(Uri? StatsUri, string How)
{
    public bool Found => StatsUri is not null;
}
