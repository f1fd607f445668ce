using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery.Loopback;

/// <summary>One component's well-known port on this host's loopback, and what it was last found to be.</summary>
internal sealed class LoopbackPort(ComponentTarget target)
{
    public ComponentTarget Target { get; set; } = target;

    /// <summary>Whether the component proved itself there and has answered since.</summary>
    public bool Proven { get; set; }

    /// <summary>When something else answers there, asked again after this tick count (it rarely changes), else 0.</summary>
    public long NextProbe { get; set; }

    /// <summary>What answered there last time without proving to be the component, so it is said once.</summary>
    public string? Other { get; set; }
}
