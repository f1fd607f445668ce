using System.Reflection;
using System.Text;

namespace ExecdJvb.Configuration;

/// <summary>What --help prints: the product, its usage, and every key from <see cref="Options"/>.</summary>
internal static class HelpText
{
    public static string Build()
    {
        var text = new StringBuilder();
        text.Append(AppInfo.Name).Append(' ').Append(AppInfo.Version).Append(
            """
             - Jitsi statistics for Telegraf's inputs.execd

            Finds the Jitsi components (JVB, Jicofo, Prosody, Jigasi) and reads each one's statistics
            (the JVB's /colibri/stats, or its /metrics where colibri is off; Prosody's /metrics),
            /about/health and /about/version, and writes InfluxDB line protocol on stdout, one gather
            per newline on stdin (signal = "STDIN"); diagnostics go to stderr with E!/W!/I!/D! prefixes.

            Where: the static urls when set. Else Docker's running containers; while Docker runs no
            Jitsi container (or has not answered since the start: no Docker here), the components are
            looked for on this host's 127.0.0.1 at their ports (JVB 8080, Jicofo 8888, Prosody 5280,
            Jigasi 8788), each read there only once it proves itself: its /about/version names it or
            its /metrics carries its own families. A Jitsi in Docker is never also read through the
            ports it publishes there.

            Usage:
              execd-jvb [--config FILE] [--key value ...]       run under Telegraf (inputs.execd)
              execd-jvb --once [--key value ...]                gather once, print, exit (0 if any line)
              execd-jvb --discover [--key value ...]            list every component and where it would be
                                                                read (or why not), without reading it
              execd-jvb --help | --version

            Configuration: a JSON file (--config), then environment variables, then --key value
            (or --key=value); a later source wins. List keys take a JSON array in the file and a
            comma-separated string elsewhere.

            """);
        text.Append('\n');
        int width = Options.All.Max(option => option.Key.Length) + 2;
        foreach (Option option in Options.All)
        {
            text.Append("  --").Append(option.Key.PadRight(width)).Append(option.Help).Append('\n');
            text.Append("    ").Append(new string(' ', width)).Append("default: ").Append(option.DefaultText)
                .Append("; env: ").Append(option.EnvironmentVariable).Append('\n');
        }

        text.Append(
            """

            Containers may override port and stats_path with the labels execd-jvb.port and
            execd-jvb.path. /metrics, /about/health and /about/version are read beside the stats path
            on the same port; a stats path ending in /metrics is read as /metrics.

            Exit codes: 0 done (or stdin closed), 1 --once wrote nothing, --discover found nothing
            or stdout was closed, 2 bad configuration.

            """);
        return text.ToString();
    }
}

/// <summary>The name and version --help and --version print.</summary>
internal static class AppInfo
{
    public const string Name = "execd-jvb";

    public static string Version { get; } =
        typeof(AppInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
