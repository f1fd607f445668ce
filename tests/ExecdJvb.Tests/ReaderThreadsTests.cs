namespace ExecdJvb.Tests;

/// <summary>
/// The gather's reads at once: every target read once, all of them under way together however many block, the threads
/// kept from one gather to the next, and a read's exception surfacing as itself.
/// </summary>
public sealed class ReaderThreadsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    [InlineData(ReaderThreads.MaxThreads + 1)]
    public void Every_read_is_under_way_at_once_while_the_others_block(int count)
    {
        var threads = new ReaderThreads();
        using var started = new CountdownEvent(count);
        bool[] sawAllStarted = new bool[count];

        // Each read blocks until every read has started: with one read held up by another, none would see them all.
        threads.Run(count, i =>
        {
            started.Signal();
            sawAllStarted[i] = started.Wait(Wait);
        });

        Assert.All(sawAllStarted, Assert.True);
        Assert.Equal(count - 1, threads.Count);
    }

    [Fact]
    public void Beyond_the_kept_threads_every_target_is_still_read_once()
    {
        var threads = new ReaderThreads();
        int count = (3 * ReaderThreads.MaxThreads) + 5;
        int[] reads = new int[count];

        threads.Run(count, i => Interlocked.Increment(ref reads[i]));

        Assert.All(reads, times => Assert.Equal(1, times));
        Assert.Equal(ReaderThreads.MaxThreads, threads.Count);
    }

    [Fact]
    public void The_threads_are_kept_from_one_gather_to_the_next()
    {
        var threads = new ReaderThreads();
        var names = new HashSet<int>();
        for (int gather = 0; gather < 50; gather++)
        {
            int count = 2 + (gather % 7);
            int[] reads = new int[count];
            threads.Run(count, i =>
            {
                Interlocked.Increment(ref reads[i]);
                lock (names)
                {
                    names.Add(Environment.CurrentManagedThreadId);
                }
            });

            Assert.All(reads, times => Assert.Equal(1, times));
        }

        // The calling thread and the kept ones, which never outnumber the largest gather's targets less one.
        Assert.Equal(7, threads.Count);
        Assert.InRange(names.Count, 1, 8);
    }

    [Fact]
    public void A_read_that_throws_surfaces_as_itself_after_the_reads_under_way_have_ended()
    {
        var threads = new ReaderThreads();
        using var blocked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        bool blockedEnded = false;

        var error = Assert.Throws<InvalidOperationException>(() => threads.Run(2, i =>
        {
            if (i == 0)
            {
                blocked.Set();
                release.Wait(Wait);
                blockedEnded = true;
                return;
            }

            blocked.Wait(Wait);
            release.Set();
            throw new InvalidOperationException("a defect");
        }));

        Assert.Equal("a defect", error.Message);
        Assert.True(blockedEnded);

        // The threads serve the next gather as before.
        int[] reads = new int[3];
        threads.Run(3, i => Interlocked.Increment(ref reads[i]));
        Assert.All(reads, times => Assert.Equal(1, times));
    }

    [Fact]
    public void Reads_cut_short_by_the_plugin_stopping_surface_as_a_cancellation()
    {
        var threads = new ReaderThreads();
        using var stopping = new CancellationTokenSource();
        using var started = new CountdownEvent(3);

        // As each read does when the plugin stops mid-gather: its socket is cut and it throws for the token.
        Assert.Throws<OperationCanceledException>(() => threads.Run(3, _ =>
        {
            started.Signal();
            if (started.Wait(Wait))
            {
                stopping.Cancel();
            }

            stopping.Token.ThrowIfCancellationRequested();
        }));
    }
}
