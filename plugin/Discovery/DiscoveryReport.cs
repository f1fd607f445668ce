using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Discovery.Docker;
using ExecdJvb.Discovery.Loopback;
using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery;

/// <summary>
/// --discover: one discovery, as a table for a person: per line the component, its container (or host port), image, the
/// URL it would be read at and how that was chosen, or why it cannot be. Every selected component has a line; one found
/// nowhere says where it was looked for. Nothing is read from a component (a container's IP may not be reachable from
/// here); the loopback's ports are asked only what proves a component.
/// </summary>
internal sealed class DiscoveryReport(ITargetSource targets, DockerTargets docker, LoopbackTargets? loopback, PluginSettings settings)
{
    /// <summary>The table, and whether any component was found with an address to read.</summary>
    public (string Text, bool Found) Build(CancellationToken stop)
    {
        IReadOnlyList<ComponentTarget> found = targets.GetTargets(stop) ?? [];
        var rows = new List<string[]>();
        foreach ((DiscoveredContainer container, ResolvedAddress address) in docker.LastFound)
        {
            rows.Add([ComponentProfile.Of(container.Component).Name, container.Name, container.Image, address.StatsUri?.ToString() ?? "-", address.How]);
        }

        foreach (ComponentTarget target in found.Where(t => !docker.LastFound.Any(c => c.Container.Id == t.Instance)))
        {
            rows.Add([target.Profile.Name, target.Name, "-", target.StatsUri.ToString(), target.Found ?? "-"]);
        }

        foreach (JitsiComponent component in settings.Selection.Components)
        {
            ComponentProfile profile = ComponentProfile.Of(component);
            if (!rows.Any(row => row[0] == profile.Name))
            {
                rows.Add([profile.Name, "-", "-", "-", NotFound(profile)]);
            }
        }

        var order = ComponentProfile.All.Select(profile => profile.Name).ToList();
        var text = new StringBuilder();
        foreach (string[] row in rows.OrderBy(row => order.IndexOf(row[0])).ThenBy(row => row[1], StringComparer.Ordinal))
        {
            text.AppendJoin('\t', row).Append('\n');
        }

        return (text.ToString(), docker.LastFound.Any(c => c.Address.Found) || found.Count > 0);
    }

    private string NotFound(ComponentProfile profile)
    {
        string inDocker = docker.Answered ? "no container" : "no Docker";
        // While Docker runs Jitsi, the loopback is not looked at.
        LoopbackPort? port = docker.LastFound.Count > 0 ? null : loopback?.Ports.FirstOrDefault(p => p.Target.Profile == profile);
        return port is null ? inDocker
            : port.Other is { } other ? $"{inDocker}; 127.0.0.1:{profile.Port} answers but not as {profile.Name} ({other})"
            : $"{inDocker}; nothing on 127.0.0.1:{profile.Port}";
    }
}
