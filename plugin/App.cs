using System.Collections;

namespace ExecdJvb;

/// <summary>Composition root: options, validation, then the execd loop or a single gather; returns the exit code.</summary>
internal static class App
{
    public const int ExitOk = 0;
    public const int ExitNothingWritten = 1;
    public const int ExitBadConfiguration = 2;

    public static async Task<int> RunAsync(string[] args, IDictionary environment, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken stop)
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
        if (settings.Urls.Count == 0)
        {
            log.Error("no JVB to read: set urls (for example --urls http://127.0.0.1:8080/colibri/stats)");
            return ExitBadConfiguration;
        }

        var targets = new StaticTargets(settings.Urls);
        using var client = new StatsClient(settings.Timeout, settings.MaxBodySize);
        var mapper = new StatsMapper(settings.Measurement, settings.TagKeys, settings.JsonStringFields);
        var gatherer = new Gatherer(targets, client, mapper, new TargetStateLog(log), log, TimeProvider.System);

        if (commandLine.Once)
        {
            ReadOnlyMemory<byte> batch = await gatherer.GatherAsync(stop).ConfigureAwait(false);
            if (batch.IsEmpty)
            {
                log.Error($"no JVB answered ({targets.Description})");
                return ExitNothingWritten;
            }

            return sink.TryWrite(batch, out _) ? ExitOk : ExitNothingWritten;
        }

        log.Debug($"started: {targets.Description}, timeout {GoDuration.Format(settings.Timeout)}");
        using var stdoutGone = CancellationTokenSource.CreateLinkedTokenSource(stop);
        int exitCode = ExitOk;
        var loop = new TriggerLoop(stdin, settings.PollInterval, log);
        await loop.RunAsync(
            async token =>
            {
                ReadOnlyMemory<byte> batch = await gatherer.GatherAsync(token).ConfigureAwait(false);
                if (!sink.TryWrite(batch, out string? error))
                {
                    log.Error($"stdout is closed ({error}); stopping");
                    exitCode = ExitNothingWritten;
                    await stdoutGone.CancelAsync().ConfigureAwait(false);
                }
            },
            stdoutGone.Token).ConfigureAwait(false);
        return exitCode;
    }
}
