namespace ExecdJvb.Jitsi;

/// <summary>What one JVB answered in one gather: its stats (from colibri or /metrics), its health and, when asked, its version.</summary>
internal sealed class JvbAnswers
{
    /// <summary>The stats answer: /colibri/stats, or /metrics when <see cref="FromMetrics"/>.</summary>
    public FetchResult? Stats { get; set; }

    public bool FromMetrics { get; set; }

    /// <summary>source = auto only: /colibri/stats answered 404, so /metrics was asked in the same gather.</summary>
    public FetchResult? Colibri404 { get; set; }

    public FetchResult? Health { get; set; }

    /// <summary>Null when the version was not asked this gather.</summary>
    public FetchResult? Version { get; set; }

    public void Release()
    {
        Stats?.Release();
        Colibri404?.Release();
        Health?.Release();
        Version?.Release();
    }
}
