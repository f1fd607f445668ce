using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Discovery.Docker;
using ExecdJvb.Discovery.Loopback;
using ExecdJvb.Execd;
using ExecdJvb.Jitsi;

namespace ExecdJvb.Discovery;

/// <summary>
/// --discover: one discovery and one read of each component found, as a table for a person: per line the component,
/// its container (or host port), image, the URL it is read at and how that was chosen, then whether it answers or why
/// not, with the setting that opens its API. Every selected component has a line; one found nowhere says where it was
/// looked for.
/// </summary>
internal sealed class DiscoveryReport(ITargetSource targets, DockerTargets docker, LoopbackTargets? loopback, BlockingHttpClient client, PluginSettings settings)
{
    /// <summary>The table, and whether any component was found with an address to read.</summary>
    public (string Text, bool Found) Build(DateTimeOffset now, CancellationToken stop)
    {
        IReadOnlyList<ComponentTarget> found = targets.GetTargets(stop) ?? [];

        // The read is the plugin's own, logging nowhere: what it would say is the last column.
        var quiet = new StderrLog(TextWriter.Null, debug: false);
        var reader = new ComponentReader(client, settings, quiet, new TargetStateLog(quiet));
        reader.Track(found, noneFound: null);
        var rows = new List<string[]>();
        foreach ((DiscoveredContainer container, ResolvedAddress address) in docker.LastFound)
        {
            ComponentTarget? target = found.FirstOrDefault(t => t.Instance == container.Id);
            rows.Add([ComponentProfile.Of(container.Component).Name, container.Name, container.Image, address.StatsUri?.ToString() ?? "-", address.How,
                target is null ? "not read: no address" : Answer(reader, target, now, stop)]);
        }

        foreach (ComponentTarget target in found.Where(t => !docker.LastFound.Any(c => c.Container.Id == t.Instance)))
        {
            rows.Add([target.Profile.Name, $"127.0.0.1:{target.Profile.Port}", "-", target.StatsUri.ToString(), target.Found ?? "-", Answer(reader, target, now, stop)]);
        }

        foreach (JitsiComponent component in settings.Selection.Components)
        {
            ComponentProfile profile = ComponentProfile.Of(component);
            if (!rows.Any(row => row[0] == profile.Name))
            {
                rows.Add([profile.Name, "-", "-", "-", NotFound(profile), "-"]);
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

    private static string Answer(ComponentReader reader, ComponentTarget target, DateTimeOffset now, CancellationToken stop)
    {
        ComponentReading reading = reader.Read(target, now, stop);
        try
        {
            return reading.Failure is { } failure ? $"does not answer: {failure.Message}"
                : reading.FromMetrics && !target.StatsUri.AbsolutePath.EndsWith("/metrics", StringComparison.Ordinal) ? "answers, at /metrics"
                : "answers";
        }
        finally
        {
            reading.Release();
        }
    }

    private string NotFound(ComponentProfile profile)
    {
        string inDocker = docker.Answered ? "no container" : "no Docker";
        LoopbackPort? port = loopback?.Ports.FirstOrDefault(p => p.Target.Profile == profile);
        return port is null ? inDocker
            : port.Other is { } other ? $"{inDocker}; 127.0.0.1:{profile.Port} answers but not as {profile.Name} ({other})"
            : $"{inDocker}; nothing on 127.0.0.1:{profile.Port}";
    }
}
