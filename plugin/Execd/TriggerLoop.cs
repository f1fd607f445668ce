namespace ExecdJvb.Execd;

/// <summary>
/// Telegraf's execd protocol: every newline on stdin asks for one gather; newlines that arrive while a gather runs
/// collapse into one pending gather (the next read takes them all, as Telegraf's shim does). The poll_interval timer is
/// the same loop's wait timeout. stdin EOF or a stop signal ends the loop; a gather in flight then gets a short grace to
/// finish, so Telegraf still reads what was gathered and the process exits long before Telegraf would kill it.
/// </summary>
/// <remarks>
/// Gathers run on a thread of their own that also reads stdin: a hand-over from a reading thread to a gathering one costs
/// a wake-up, a visible share of a one-JVB gather (the benchmark table shows it). As that thread reads stdin only between gathers, a
/// second one waits for stdin's hang-up, to give a long gather its grace at once.
/// </remarks>
internal sealed class TriggerLoop(DescriptorInput stdin, TimeSpan pollInterval, StderrLog log)
{
    public static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(200);

    /// <summary>A writer that never pauses still gets its gathers: at most this many reads (1 MiB) make one trigger.</summary>
    private const int MaxReadsPerTrigger = 256;

    private readonly Lock _gate = new();
    private CancellationTokenSource? _gathering;
    private bool _ending;

    /// <summary>Runs gathers until stdin ends or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(Action<CancellationToken> gather, CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gathering = new Thread(() =>
        {
            try
            {
                Loop(gather, stop);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        { IsBackground = true, Name = "gather" };

        // Both threads may be left blocked in a read or poll when the loop ends; they end with the process.
        var hangUp = new Thread(() =>
        {
            if (stdin.WaitForHangUp())
            {
                End();
            }
        })
        { IsBackground = true, Name = "stdin hang-up" };

        using CancellationTokenRegistration onStop = stop.Register(() =>
        {
            if (End())
            {
                done.TrySetResult();
            }
        });
        gathering.Start();
        hangUp.Start();
        await done.Task.ConfigureAwait(false);
    }

    private void Loop(Action<CancellationToken> gather, CancellationToken stop)
    {
        // Only newlines matter; any other byte (CR, NUL, a long line) is skipped, so memory stays bounded.
        byte[] buffer = new byte[4096];
        bool ticking = pollInterval > TimeSpan.Zero;
        long interval = (long)Math.Ceiling(pollInterval.TotalMilliseconds);

        // The first gather comes at once, as Telegraf gathers at start.
        long nextTick = Environment.TickCount64;
        while (!stop.IsCancellationRequested)
        {
            bool trigger;
            long now = Environment.TickCount64;
            if (ticking && now >= nextTick)
            {
                // Ticks missed during a long gather collapse into this one.
                nextTick += interval * (1 + ((now - nextTick) / interval));
                trigger = true;
            }
            else if (ticking && !stdin.WaitReadable((int)Math.Min(nextTick - now, int.MaxValue)))
            {
                continue;
            }
            else
            {
                (trigger, bool ended) = ReadNewlines(buffer);
                if (ended)
                {
                    // A newline just before the end still gets its gather, within the grace.
                    End();
                    if (trigger)
                    {
                        Gather(gather, stop);
                    }

                    return;
                }
            }

            if (trigger && !Gather(gather, stop))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads what stdin holds, blocking for the first bytes only: everything already written asks for the same thing,
    /// one gather. Returns whether a newline came, and whether the input ended (or failed) meanwhile.
    /// </summary>
    private (bool Newline, bool Ended) ReadNewlines(byte[] buffer)
    {
        bool newline = false;
        bool full = true;

        // A read that did not fill the buffer took all there was: only a full one is followed by a look for more.
        for (int reads = 0; reads < MaxReadsPerTrigger && full && (reads == 0 || stdin.WaitReadable(0)); reads++)
        {
            int read;
            try
            {
                read = stdin.Read(buffer);
            }
            catch (IOException ex)
            {
                log.Warn($"reading stdin failed ({ex.Message}); stopping");
                return (newline, true);
            }

            if (read == 0)
            {
                log.Debug("stdin closed; stopping");
                return (newline, true);
            }

            newline |= buffer.AsSpan(0, read).Contains((byte)'\n');
            full = read == buffer.Length;
        }

        return (newline, false);
    }

    /// <summary>One gather on this thread; false when the plugin is stopping and none was started.</summary>
    private bool Gather(Action<CancellationToken> gather, CancellationToken stop)
    {
        using var gathering = new CancellationTokenSource();
        lock (_gate)
        {
            if (stop.IsCancellationRequested)
            {
                return false;
            }

            _gathering = gathering;
            if (_ending)
            {
                gathering.CancelAfter(StopGrace);
            }
        }

        try
        {
            gather(gathering.Token);
        }
        catch (OperationCanceledException) when (gathering.IsCancellationRequested)
        {
            log.Debug("a gather was cut short because the plugin is stopping");
        }
        finally
        {
            lock (_gate)
            {
                _gathering = null;
            }
        }

        return true;
    }

    /// <summary>The plugin is stopping: a gather in flight, or one still to come, gets the grace; true when none is in flight.</summary>
    private bool End()
    {
        lock (_gate)
        {
            _ending = true;
            _gathering?.CancelAfter(StopGrace);
            return _gathering is null;
        }
    }
}
