using ExecdJvb.Http;
using System.Collections;
using ExecdJvb.Configuration;
using ExecdJvb.Discovery.Docker;
using ExecdJvb.Discovery;
using ExecdJvb.Discovery.Loopback;
using ExecdJvb.Execd;
using ExecdJvb.Jitsi;

namespace ExecdJvb;

/// <summary>Composition root: options, validation, then the execd loop or a single gather; returns the exit code.</summary>
internal static class App
{
    public const int ExitOk = 0;
    public const int ExitNothingWritten = 1;
    public const int ExitBadConfiguration = 2;

    /// <summary>The state-log key for the gather itself; parentheses keep it apart from any container name or URL.</summary>
    private const string GatherKey = "(gather)";

    public static async Task<int> RunAsync(string[] args, IDictionary environment, DescriptorInput stdin, Stream stdout, TextWriter stderr, CancellationToken stop)
    {
        var sink = new StdoutSink(stdout);
        CommandLine commandLine;
        PluginSettings settings;
        try
        {
            commandLine = CommandLine.Parse(args);
            if (commandLine.Help)
            {
                sink.WriteText(HelpText.Build());
                return ExitOk;
            }

            if (commandLine.Version)
            {
                sink.WriteText($"{AppInfo.Name} {AppInfo.Version}\n");
                return ExitOk;
            }

            settings = SettingsLoader.Load(commandLine, environment);
        }
        catch (ConfigurationException ex)
        {
            new StderrLog(stderr, debug: false).Error(ex.Message);
            return ExitBadConfiguration;
        }

        var log = new StderrLog(stderr, settings.Debug);
        foreach (string warning in settings.Warnings)
        {
            log.Warn(warning);
        }

        var states = new TargetStateLog(log);
        var client = new BlockingHttpClient(settings.Timeout, settings.MaxBodySize);
        bool discovery = settings.Urls.Count == 0;
        using DockerTargets? docker = discovery
            ? new DockerTargets(
                settings.DockerEndpoint,
                settings.DockerTls,
                settings.Timeout,
                settings.Selection,
                new AddressResolver(settings.Address, settings.Network, settings.Port, settings.StatsPath),
                log,
                states,
                optional: settings.Loopback && settings.DockerEndpoint.OriginalString == Options.DefaultDockerSocket)
            : null;
        LoopbackTargets? loopback = discovery && settings.Loopback
            ? new LoopbackTargets(client, settings.Selection.Components.Select(ComponentProfile.Of), log)
            : null;
        ITargetSource targets = docker is null ? new StaticTargets(settings.Urls)
            : loopback is null ? docker
            : new DeploymentTargets(docker, loopback);

        if (commandLine.Discover)
        {
            return docker is null
                ? Refuse(log, "--discover lists the Jitsi components discovery finds, but urls is set; remove urls to use discovery")
                : await DiscoverAsync(new DiscoveryReport(targets, docker, loopback, settings), sink, stop).ConfigureAwait(false);
        }

        var gatherer = new Gatherer(targets, client, settings, states, log, TimeProvider.System);

        if (commandLine.Once)
        {
            ReadOnlyMemory<byte> batch = gatherer.Gather(stop);
            if (batch.IsEmpty)
            {
                log.Error($"no Jitsi component answered ({targets.Description})");
                return ExitNothingWritten;
            }

            if (!sink.TryWrite(batch, out string? onceError))
            {
                log.Error($"stdout is closed ({onceError})");
                return ExitNothingWritten;
            }

            return ExitOk;
        }

        log.Debug($"started: {targets.Description}, timeout {GoDuration.Format(settings.Timeout)}");
        using var stdoutGone = CancellationTokenSource.CreateLinkedTokenSource(stop);
        int exitCode = ExitOk;
        var loop = new TriggerLoop(stdin, settings.PollInterval, log);
        await loop.RunAsync(
            token =>
            {
                ReadOnlyMemory<byte> batch;
                try
                {
                    batch = gatherer.Gather(token);
                    states.Succeeded(GatherKey, "gathers work again");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A defect must cost one gather, not the plugin: Telegraf would only restart it into the same state.
                    states.Failed(GatherKey, ex.GetType().Name, $"a gather failed unexpectedly: {ex.GetType().Name}: {ex.Message}");
                    return;
                }

                if (!sink.TryWrite(batch, out string? error))
                {
                    log.Error($"stdout is closed ({error}); stopping");
                    exitCode = ExitNothingWritten;
                    stdoutGone.Cancel();
                }
            },
            stdoutGone.Token).ConfigureAwait(false);
        return exitCode;
    }

    private static int Refuse(StderrLog log, string message)
    {
        log.Error(message);
        return ExitBadConfiguration;
    }

    /// <summary>--discover: one discovery, a line per component (where it would be read, or why not), no stats read.</summary>
    private static Task<int> DiscoverAsync(DiscoveryReport report, StdoutSink sink, CancellationToken stop)
    {
        (string text, bool found) = report.Build(stop);
        sink.WriteText(text);
        return Task.FromResult(found ? ExitOk : ExitNothingWritten);
    }
}
