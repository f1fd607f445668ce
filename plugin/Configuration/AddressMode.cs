namespace ExecdJvb.Configuration;

/// <summary>How the address of a discovered JVB is chosen (config key "address").</summary>
internal enum AddressMode
{
    /// <summary>Host network → 127.0.0.1; else a published binding of the port; else the network IP.</summary>
    Auto,

    /// <summary>The container's IP on the network named by "network" (or the first network by name).</summary>
    Network,

    /// <summary>The host side of the port's published binding (0.0.0.0 and :: read as 127.0.0.1).</summary>
    Published,

    /// <summary>127.0.0.1, for containers in host network mode.</summary>
    Host,
}
