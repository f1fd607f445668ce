using System.Threading.Channels;

namespace ExecdJvb;

/// <summary>
/// Telegraf's execd protocol: every newline on stdin asks for one gather; newlines that arrive while a
/// gather runs collapse into at most one pending gather (as Telegraf's shim does). The poll_interval timer
/// feeds the same queue. stdin EOF or a stop signal ends the loop; a gather in flight then gets a short
/// grace to finish, so Telegraf still reads what was gathered and the process exits well within 500 ms.
/// </summary>
internal sealed class TriggerLoop(Stream stdin, TimeSpan pollInterval, StderrLog log)
{
    public static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(200);

    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Runs gathers until stdin ends or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> gather, CancellationToken stop)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // The stdin read cannot be cancelled on every platform; it is left to end with the process.
        _ = ReadStdinAsync(ending);
        Task timer = pollInterval > TimeSpan.Zero ? TickAsync(ending.Token) : Task.CompletedTask;
        try
        {
            while (!ending.IsCancellationRequested)
            {
                try
                {
                    await _pending.Reader.ReadAsync(ending.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                using var gathering = new CancellationTokenSource();
                using CancellationTokenRegistration graceOnEnd = ending.Token.Register(() => gathering.CancelAfter(StopGrace));
                try
                {
                    await gather(gathering.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (gathering.IsCancellationRequested)
                {
                    log.Debug("a gather was cut short because the plugin is stopping");
                }
            }
        }
        finally
        {
            await ending.CancelAsync().ConfigureAwait(false);
            await timer.ConfigureAwait(false);
        }
    }

    private async Task ReadStdinAsync(CancellationTokenSource ending)
    {
        // Only newlines matter; any other byte (CR, NUL, a long line) is skipped, so memory stays bounded.
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                int read = await stdin.ReadAsync(buffer, ending.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    log.Debug("stdin closed; stopping");
                    break;
                }

                // Several newlines in one read ask for the same thing: one gather, pending at most once.
                if (buffer.AsSpan(0, read).Contains((byte)'\n'))
                {
                    _pending.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (IOException ex)
        {
            log.Warn($"reading stdin failed ({ex.Message}); stopping");
        }
        catch (ObjectDisposedException)
        {
        }

        await ending.CancelAsync().ConfigureAwait(false);
    }

    private async Task TickAsync(CancellationToken ending)
    {
        using var timer = new PeriodicTimer(pollInterval);
        try
        {
            // The first gather comes at once, as Telegraf gathers at start.
            _pending.Writer.TryWrite(true);
            while (await timer.WaitForNextTickAsync(ending).ConfigureAwait(false))
            {
                _pending.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
