using System.Diagnostics;
using System.Threading.Channels;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The tests' one process runner. Started with <see cref="Start"/>, it runs the plugin the way Telegraf's
/// inputs.execd does (<see cref="StartProgram"/> runs any other client the same way): stdin is a pipe that gets
/// "\n" per interval, stdout is read line by line as line protocol, stderr line by line with its level prefix, and
/// <see cref="GatherAsync"/> is the one trigger-and-collect loop. <see cref="RunAsync"/> runs a command to its end
/// and hands back its exit code and output. None of the caller's EXECD_JVB_* or DOCKER_HOST reaches a child:
/// a test says everything the child is to know. Every wait is bounded; a child still running at the end is killed.
/// </summary>
internal sealed class ExecdProcess : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderr = Channel.CreateUnbounded<string>();
    private readonly List<string> _allStdout = [];
    private readonly List<string> _allStderr = [];
    private readonly Task _readers;

    private ExecdProcess(Process process, bool readStdout)
    {
        _process = process;
        if (!readStdout)
        {
            // The read end goes away at once, as when Telegraf stops reading.
            process.StandardOutput.Close();
            _stdout.Writer.TryComplete();
        }

        _readers = Task.WhenAll(readStdout ? Pump(process.StandardOutput, _stdout, _allStdout) : Task.CompletedTask, Pump(process.StandardError, _stderr, _allStderr));
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

    /// <summary>Stdout lines read from the pipe that no one has taken yet.</summary>
    public int PendingStdoutLines => _stdout.Reader.Count;

    /// <summary>
    /// Starts the published plugin with <paramref name="args"/>. Without <paramref name="readStdout"/> the read end of
    /// its stdout is closed at once, so its next write meets a broken pipe.
    /// </summary>
    public static ExecdProcess Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, bool readStdout = true) =>
        Launch(StartInfo(PublishedBinary.Path, args, environment), readStdout);

    /// <summary>Runs the plugin through a launcher such as setpriv (to run it as another user).</summary>
    public static ExecdProcess StartWith(IReadOnlyList<string> launcher, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        launcher.Count == 0 ? Start(args, environment) : StartProgram(launcher[0], [.. launcher.Skip(1), PublishedBinary.Path, .. args], environment);

    /// <summary>Starts <paramref name="program"/> and drives it as the plugin is driven.</summary>
    public static ExecdProcess StartProgram(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        Launch(StartInfo(program, args, environment), readStdout: true);

    /// <summary>
    /// Runs <paramref name="program"/> to its end with an empty stdin and returns its exit code and whole output; one
    /// that has not ended within <paramref name="timeout"/> is killed with its children and a <see cref="TimeoutException"/> thrown.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        ProcessStartInfo start = StartInfo(program, args, environment);
        start.WorkingDirectory = workingDirectory ?? string.Empty;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within {timeout.TotalSeconds:0.###} s");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary><see cref="RunAsync"/> for callers that are not async.</summary>
    public static ProcessResult Run(string program, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        RunAsync(program, args, timeout, environment, workingDirectory).GetAwaiter().GetResult();

    /// <summary>Writes one newline, as Telegraf does each interval (it gives the write 1 s).</summary>
    public async Task TriggerAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _process.StandardInput.BaseStream.WriteAsync("\n"u8.ToArray(), deadline.Token);
        await _process.StandardInput.BaseStream.FlushAsync(deadline.Token);
    }

    /// <summary>
    /// One gather as Telegraf asks for it: the newline, then the batch of <paramref name="lines"/> stdout lines, each
    /// within <paramref name="timeout"/>. A batch that does not come whole is an exception that says what came.
    /// </summary>
    public async Task<IReadOnlyList<string>> GatherAsync(int lines, TimeSpan timeout)
    {
        await TriggerAsync();
        var batch = new List<string>(lines);
        while (batch.Count < lines)
        {
            if (await NextStdoutLineAsync(timeout) is not { } line)
            {
                string stderr = string.Join("\n  ", StderrLines.TakeLast(10));
                throw new TimeoutException(
                    $"{batch.Count} of {lines} line(s) within {timeout.TotalSeconds:0.###} s each{(HasExited ? " (the process ended)" : string.Empty)}:\n  " +
                    $"{string.Join("\n  ", batch)}\nits last stderr lines:\n  {(stderr.Length == 0 ? "(none)" : stderr)}");
            }

            batch.Add(line);
        }

        return batch;
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

    /// <summary>Kills the process and its children now; a pending read then ends.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> args, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        PluginEnvironment.Isolate(start);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static ExecdProcess Launch(ProcessStartInfo start, bool readStdout) =>
        new(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start"), readStdout);

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

/// <summary>How a command run to its end ended, and all it wrote.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
