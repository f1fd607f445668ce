using System.IO.Pipes;

namespace ExecdJvb.Tests;

/// <summary>The execd trigger loop over a real pipe, as Telegraf's stdin is one: what starts a gather, and what ends the loop.</summary>
public sealed class TriggerLoopTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly AnonymousPipeServerStream _reader = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _writer;
    private readonly DescriptorInput _stdin;
    private readonly SemaphoreSlim _gathered = new(0);
    private int _gathers;

    public TriggerLoopTests()
    {
        // The writer owns the pipe's write end, its only descriptor here: disposing it is Telegraf closing stdin.
        _writer = new AnonymousPipeClientStream(PipeDirection.Out, _reader.ClientSafePipeHandle);
        _stdin = new DescriptorInput((int)_reader.SafePipeHandle.DangerousGetHandle());
    }

    [Fact]
    public async Task The_input_waits_with_a_timeout_and_sees_the_hang_up_while_a_newline_is_still_unread()
    {
        byte[] buffer = new byte[16];

        bool readableWhenEmpty = _stdin.WaitReadable(50);
        Write("\n");
        bool readableWithNewline = _stdin.WaitReadable(1000);
        _writer.Dispose();
        bool hungUp = await Task.Run(_stdin.WaitForHangUp).WaitAsync(Wait);

        Assert.False(readableWhenEmpty);
        Assert.True(readableWithNewline);
        Assert.True(hungUp);
        Assert.Equal(1, _stdin.Read(buffer));
        Assert.Equal((byte)'\n', buffer[0]);
        Assert.Equal(0, _stdin.Read(buffer));
    }

    [Fact]
    public async Task A_newline_asks_for_a_gather_a_burst_for_one_and_the_end_of_stdin_ends_the_loop()
    {
        Task loop = Loop(TimeSpan.Zero).RunAsync(CountingGather, CancellationToken.None);

        Write("\n");
        Assert.True(await _gathered.WaitAsync(Wait));
        Write(new string('\n', 10_000) + "junk\r\n");
        Assert.True(await _gathered.WaitAsync(Wait));
        _writer.Dispose();
        await loop.WaitAsync(Wait);

        Assert.Equal(2, _gathers);
    }

    [Fact]
    public async Task Closing_stdin_gives_a_slow_gather_the_grace_then_ends_the_loop()
    {
        var cutShort = new TaskCompletionSource();
        Task loop = Loop(TimeSpan.Zero).RunAsync(
            token =>
            {
                _gathered.Release();
                try
                {
                    token.WaitHandle.WaitOne();
                    token.ThrowIfCancellationRequested();
                }
                finally
                {
                    cutShort.TrySetResult();
                }
            },
            CancellationToken.None);
        Write("\n");
        Assert.True(await _gathered.WaitAsync(Wait));

        _writer.Dispose();
        await loop.WaitAsync(Wait);

        Assert.True(cutShort.Task.IsCompleted);
    }

    [Fact]
    public async Task Poll_interval_gathers_without_newlines_and_a_stop_ends_the_loop_while_it_waits()
    {
        using var stop = new CancellationTokenSource();
        Task loop = Loop(TimeSpan.FromMilliseconds(20)).RunAsync(CountingGather, stop.Token);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(await _gathered.WaitAsync(Wait));
        }

        await stop.CancelAsync();
        await loop.WaitAsync(Wait);
        int atStop = Volatile.Read(ref _gathers);
        await Task.Delay(100);

        Assert.Equal(atStop, Volatile.Read(ref _gathers));
    }

    [Fact]
    public async Task A_stop_while_the_loop_waits_for_stdin_ends_it_at_once()
    {
        using var stop = new CancellationTokenSource();
        Task loop = Loop(TimeSpan.Zero).RunAsync(CountingGather, stop.Token);

        await stop.CancelAsync();
        await loop.WaitAsync(Wait);

        Assert.Equal(0, _gathers);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
        _gathered.Dispose();
    }

    private TriggerLoop Loop(TimeSpan pollInterval) => new(_stdin, pollInterval, new StderrLog(TextWriter.Null, debug: false));

    private void CountingGather(CancellationToken token)
    {
        Interlocked.Increment(ref _gathers);
        _gathered.Release();
    }

    private void Write(string text)
    {
        _writer.Write(System.Text.Encoding.ASCII.GetBytes(text));
        _writer.Flush();
    }
}
