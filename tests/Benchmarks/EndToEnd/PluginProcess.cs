using System.Diagnostics;
using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The plugin driven as Telegraf's inputs.execd drives it (started once, "\n" on stdin per gather, line
/// protocol read from stdout), built for timing: the trigger is one write(2) and the batch is read with
/// blocking reads on the calling thread, so no thread hop or channel sits inside a sample. (The tests'
/// ExecdProcess reads through async pumps and channels, which is right for assertions but adds
/// scheduling noise of the order of the figure being measured here.) stderr is kept for the report.
/// </summary>
internal sealed class PluginProcess : IDisposable
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly List<string> _stderr = [];
    private readonly Task _stderrPump;
    private readonly Timer _watchdog;
    private readonly CancellationTokenRegistration _onStop;
    private byte[] _buffer = new byte[256 * 1024];
    private int _filled;
    private volatile bool _timedOut;

    private PluginProcess(Process process, string binary, CancellationToken stop)
    {
        _process = process;
        Binary = binary;
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput.BaseStream;
        _stderrPump = PumpStderrAsync(process.StandardError);
        _watchdog = new Timer(_ => Expire(), null, Timeout.Infinite, Timeout.Infinite);

        // An interrupted benchmark must not wait out a read: the process goes at once, the read ends.
        _onStop = stop.Register(Kill);
    }

    public string Binary { get; }

    public int Id => _process.Id;

    public IReadOnlyList<string> StderrLines
    {
        get { lock (_stderr) { return [.. _stderr]; } }
    }

    /// <summary>
    /// Starts the binary with its arguments (none of the caller's EXECD_JVB_* or DOCKER_HOST reaches it);
    /// <paramref name="stop"/> kills it.
    /// </summary>
    public static PluginProcess Start(string binary, IEnumerable<string> args, CancellationToken stop)
    {
        var start = new ProcessStartInfo(binary)
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

        return new PluginProcess(Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start"), binary, stop);
    }

    /// <summary>One trigger, as Telegraf writes it each interval.</summary>
    public void Trigger()
    {
        _stdin.Write(Newline);
        _stdin.Flush();
    }

    /// <summary>
    /// Blocks until the batch of <paramref name="lines"/> lines has arrived whole and returns it (valid until
    /// the next call). Fails when the plugin ends, stays silent past <paramref name="timeout"/> (it is then
    /// killed), or writes more than a batch.
    /// </summary>
    public ReadOnlySpan<byte> ReadBatch(int lines, TimeSpan timeout)
    {
        _filled = 0;
        int seen = 0;
        _watchdog.Change(timeout, Timeout.InfiniteTimeSpan);
        try
        {
            while (seen < lines)
            {
                if (_filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                int read = _stdout.Read(_buffer, _filled, _buffer.Length - _filled);
                if (read == 0)
                {
                    throw Broken(_timedOut
                        ? $"wrote {seen} of {lines} line(s) within {timeout.TotalSeconds:0} s and was stopped"
                        : $"ended after {seen} of {lines} line(s)");
                }

                seen += _buffer.AsSpan(_filled, read).Count((byte)'\n');
                _filled += read;
            }
        }
        finally
        {
            _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        if (seen > lines || _buffer[_filled - 1] != (byte)'\n')
        {
            throw Broken($"wrote {seen} line(s) or a partial line where a batch has {lines}");
        }

        return _buffer.AsSpan(0, _filled);
    }

    /// <summary>The batch <see cref="ReadBatch"/> returned last.</summary>
    public ReadOnlySpan<byte> LastBatch => _buffer.AsSpan(0, _filled);

    /// <summary>Checks that every line of a batch is a point of the expected measurement and tag.</summary>
    public void CheckBatch(ReadOnlySpan<byte> batch, string linePrefix)
    {
        byte[] prefix = Encoding.UTF8.GetBytes(linePrefix);
        foreach (Range line in batch[..^1].Split((byte)'\n'))
        {
            if (!batch[line].StartsWith(prefix))
            {
                throw Broken($"wrote a line that does not start with '{linePrefix}': {Encoding.UTF8.GetString(batch[line])}");
            }
        }
    }

    /// <summary>Closes stdin, Telegraf's stop, and waits for the exit; a plugin that does not exit 0 in time is broken.</summary>
    public void Stop(TimeSpan timeout)
    {
        _stdin.Close();
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw Broken($"did not exit within {timeout.TotalSeconds:0} s of stdin closing");
        }

        _stderrPump.Wait(TimeSpan.FromSeconds(5));
        if (_process.ExitCode != 0)
        {
            throw Broken($"exited with {_process.ExitCode} when stdin closed");
        }
    }

    public void Dispose()
    {
        _onStop.Dispose();
        _watchdog.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private InvalidOperationException Broken(string what)
    {
        _stderrPump.Wait(TimeSpan.FromMilliseconds(500));
        string stderr = string.Join("\n  ", StderrLines.TakeLast(10));
        return new InvalidOperationException($"the plugin {Binary} {what}; its last stderr lines:\n  {(stderr.Length == 0 ? "(none)" : stderr)}");
    }

    private void Expire()
    {
        _timedOut = true;
        Kill();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone: the blocked read ends by itself.
        }
    }

    private async Task PumpStderrAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync() is { } line)
        {
            lock (_stderr)
            {
                _stderr.Add(line);
            }
        }
    }
}
