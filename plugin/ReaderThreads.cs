using System.Runtime.ExceptionServices;

namespace ExecdJvb;

/// <summary>
/// Runs one gather's reads at once: the calling thread and threads kept from one gather to the next each take the next
/// target as soon as they are free, one at a time, so a component that hangs holds up its own read only and the gather
/// ends with its slowest read. Threads start as a gather first needs them and then wait for the next gather; the
/// thread pool, which grows by a thread at a time, is never asked.
/// </summary>
internal sealed class ReaderThreads
{
    /// <summary>
    /// Threads kept at most. A host runs a handful of Jitsi components and a list of JVBs stays short, so every
    /// gather has a thread per target; a list longer than this costs one more timeout per this many hung components
    /// rather than a thread each, as every kept thread holds its stack for the life of the plugin.
    /// </summary>
    public const int MaxThreads = 64;

    private readonly object _wake = new();
    private readonly object _done = new();
    private Round? _round;
    private int _tickets;

    /// <summary>Threads started so far.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Calls <paramref name="read"/> once for each index below <paramref name="count"/> and returns when every call has
    /// returned; the first exception a call throws is rethrown here, and no call starts after it. Only one gather calls
    /// this at a time.
    /// </summary>
    public void Run(int count, Action<int> read)
    {
        var round = new Round(count, read);
        int helpers = Math.Min(count - 1, MaxThreads);
        for (; Count < helpers; Count++)
        {
            new Thread(Serve) { IsBackground = true, Name = "read" }.Start();
        }

        if (helpers > 0)
        {
            lock (_wake)
            {
                _round = round;
                _tickets = helpers;
                for (int i = 0; i < helpers; i++)
                {
                    Monitor.Pulse(_wake);
                }
            }
        }

        round.Drain(_done);
        lock (_done)
        {
            while (round.Left > 0)
            {
                Monitor.Wait(_done);
            }
        }

        if (helpers > 0)
        {
            // Threads woken for this gather that have not come yet wait for the next one instead.
            lock (_wake)
            {
                _round = null;
                _tickets = 0;
            }
        }

        if (round.Error is { } error)
        {
            error.Throw();
        }
    }

    /// <summary>A kept thread: waits for a gather that asks for it, helps read that gather's targets, and waits again.</summary>
    private void Serve()
    {
        while (true)
        {
            Round round;
            lock (_wake)
            {
                // A thread just done with the last gather may take a ticket meant for one that was woken: it reads
                // just the same, and the one woken finds no ticket and waits again.
                while (_tickets == 0)
                {
                    Monitor.Wait(_wake);
                }

                _tickets--;
                round = _round!;
            }

            round.Drain(_done);
        }
    }

    /// <summary>
    /// One gather's reads: a new one each gather, so a thread that looks for more work just after the last gather
    /// ended finds that gather's list used up rather than taking a place in the next one's.
    /// </summary>
    private sealed class Round(int count, Action<int> read)
    {
        private readonly int _count = count;
        private int _next = -1;
        private int _left = count;
        private ExceptionDispatchInfo? _error;

        public int Left => Volatile.Read(ref _left);

        public ExceptionDispatchInfo? Error => Volatile.Read(ref _error);

        /// <summary>Reads targets until none is left to take; the thread that ends the last read tells the waiting one.</summary>
        public void Drain(object done)
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < _count)
            {
                if (Error is null)
                {
                    try
                    {
                        read(i);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(ex), null);
                    }
                }

                if (Interlocked.Decrement(ref _left) == 0)
                {
                    lock (done)
                    {
                        Monitor.Pulse(done);
                    }
                }
            }
        }
    }
}
