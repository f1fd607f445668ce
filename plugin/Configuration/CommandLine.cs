namespace ExecdJvb.Configuration;

/// <summary>The process's own switches, separated from the --key value pairs that are configuration.</summary>
internal sealed record CommandLine(
    bool Once,
    bool Help,
    bool Version,
    bool Discover,
    string? ConfigPath,
    IReadOnlyList<string> ConfigurationArguments)
{
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        bool once = false, help = false, version = false, discover = false;
        string? configPath = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--once":
                    once = true;
                    continue;
                case "--help" or "-h" or "-?":
                    help = true;
                    continue;
                case "--version":
                    version = true;
                    continue;
                case "--discover":
                    discover = true;
                    continue;
                default:
                    break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ConfigurationException($"unexpected argument \"{arg}\": options are written --key value or --key=value (see --help)");
            }

            string key;
            string? value;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                key = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                key = arg[2..];
                value = i + 1 < args.Count ? args[++i] : null;
            }

            if (key == "config")
            {
                configPath = value ?? throw new ConfigurationException("--config needs a path: --config /etc/telegraf/execd-jvb.json");
                continue;
            }

            Option option = Options.Find(key)
                ?? throw new ConfigurationException($"unknown option --{key} (see --help for the list)");
            if (value is null)
            {
                throw new ConfigurationException(option.DefaultValueText is { } example
                    ? $"--{key} needs a value, for example --{option.Key} {example}"
                    : $"--{key} needs a value (see --help for its form)");
            }

            rest.Add($"--{option.Key}={value}");
        }

        return new CommandLine(once, help, version, discover, configPath, rest);
    }
}
