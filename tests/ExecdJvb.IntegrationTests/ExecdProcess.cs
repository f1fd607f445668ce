using System.Diagnostics;
using System.Threading.Channels;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Runs the plugin the way Telegraf's inputs.execd does: stdin is a pipe that gets "\n" per interval,
/// stdout is read line by line as line protocol, stderr line by line with its level prefix.
/// </summary>
internal sealed class ExecdProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderr = Channel.CreateUnbounded<string>();
    private readonly List<string> _allStdout = [];
    private readonly List<string> _allStderr = [];
    private readonly Task _readers;

    private ExecdProcess(Process process)
    {
        _process = process;
        _readers = Task.WhenAll(Pump(process.StandardOutput, _stdout, _allStdout), Pump(process.StandardError, _stderr, _allStderr));
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> StderrLines
    {
        get { lock (_allStderr) { return [.. _allStderr]; } }
    }

    public IReadOnlyList<string> StdoutLines
    {
        get { lock (_allStdout) { return [.. _allStdout]; } }
    }

    public static ExecdProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        StartWith([], args, environment);

    /// <summary>Runs the plugin through a launcher such as setpriv (to run it as another user).</summary>
    public static ExecdProcess StartWith(IReadOnlyList<string> launcher, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : PublishedBinary.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher.Count > 0)
        {
            foreach (string arg in launcher.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            start.ArgumentList.Add(PublishedBinary.Path);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        PluginEnvironment.Isolate(start);

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ExecdProcess(Process.Start(start)!);
    }

    /// <summary>Writes one newline, as Telegraf does each interval (it gives the write 1 s).</summary>
    public async Task TriggerAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _process.StandardInput.BaseStream.WriteAsync("\n"u8.ToArray(), deadline.Token);
        await _process.StandardInput.BaseStream.FlushAsync(deadline.Token);
    }

    public async Task WriteStdinAsync(byte[] bytes)
    {
        await _process.StandardInput.BaseStream.WriteAsync(bytes);
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    /// <summary>The next stdout line, or null if none comes within the timeout.</summary>
    public Task<string?> NextStdoutLineAsync(TimeSpan timeout) => Next(_stdout, timeout);

    /// <summary>The next stderr line, or null if none comes within the timeout.</summary>
    public Task<string?> NextStderrLineAsync(TimeSpan timeout) => Next(_stderr, timeout);

    /// <summary>Waits for the next stderr line that starts with the given prefix, skipping others.</summary>
    public async Task<string?> WaitForStderrAsync(string prefix, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            string? line = await Next(_stderr, timeout - stopwatch.Elapsed);
            if (line is null || line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>Closes stdin (Telegraf's stop) and returns the exit code and how long the exit took.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> CloseStdinAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        TimeSpan elapsed = stopwatch.Elapsed;
        await _readers.WaitAsync(TimeSpan.FromSeconds(5));
        return (_process.ExitCode, elapsed);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        await _readers.WaitAsync(TimeSpan.FromSeconds(5));
        return _process.ExitCode;
    }

    public void Signal(int signal) => _ = Posix.Kill(_process.Id, signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task<string?> Next(Channel<string> lines, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await lines.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private static async Task Pump(StreamReader reader, Channel<string> lines, List<string> all)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (all)
            {
                all.Add(line);
            }

            lines.Writer.TryWrite(line);
        }

        lines.Writer.TryComplete();
    }
}
