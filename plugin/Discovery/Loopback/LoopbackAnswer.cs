namespace ExecdJvb.Discovery.Loopback;

/// <summary>What a component's well-known port on this host's loopback turned out to be.</summary>
internal enum LoopbackAnswer
{
    /// <summary>Nothing answers there: no listener, or no HTTP answer.</summary>
    Nothing,

    /// <summary>The component, by its own words: its /about/version names it, or its /metrics carries its own families.</summary>
    Proven,

    /// <summary>Something answers there that does not prove to be the component; it is never read.</summary>
    Other,
}
