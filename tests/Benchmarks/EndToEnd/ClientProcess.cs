using System.Diagnostics;
using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// A client driven as Telegraf's inputs.execd drives a plugin (started once, "\n" on stdin per gather, line
/// protocol read from stdout), built for timing: the trigger is one write(2) and the batch is read with
/// blocking reads on the calling thread, so no thread hop or channel of the harness sits inside a gather.
/// stderr is kept for the report.
/// </summary>
internal sealed class ClientProcess : IDisposable
{
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly List<string> _stderr = [];
    private readonly Task _stderrPump;
    private readonly Timer _watchdog;
    private readonly CancellationTokenRegistration _onStop;
    private readonly byte[] _prefix;
    private byte[] _buffer = new byte[256 * 1024];
    private int _filled;
    private volatile bool _timedOut;

    private ClientProcess(Process process, ClientSpec spec, CancellationToken stop)
    {
        _process = process;
        Spec = spec;
        _prefix = Encoding.UTF8.GetBytes(spec.LinePrefix);
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput.BaseStream;
        _stderrPump = PumpStderrAsync(process.StandardError);
        _watchdog = new Timer(_ => Expire(), null, Timeout.Infinite, Timeout.Infinite);

        // An interrupted benchmark must not wait out a read: the process goes at once, the read ends.
        _onStop = stop.Register(Kill);
    }

    public ClientSpec Spec { get; }

    public int Id => _process.Id;

    public IReadOnlyList<string> StderrLines
    {
        get { lock (_stderr) { return [.. _stderr]; } }
    }

    /// <summary>
    /// Starts the client (none of the caller's EXECD_JVB_* or DOCKER_HOST reaches it); <paramref name="stop"/> kills it.
    /// </summary>
    public static ClientProcess Start(ClientSpec spec, CancellationToken stop)
    {
        var start = new ProcessStartInfo(spec.Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in spec.Args)
        {
            start.ArgumentList.Add(arg);
        }

        PluginEnvironment.Isolate(start);
        return new ClientProcess(Process.Start(start) ?? throw new InvalidOperationException($"{spec.Program} did not start"), spec, stop);
    }

    /// <summary>One gather: the trigger, as Telegraf writes it each interval, and the whole batch read back.</summary>
    public void Gather()
    {
        Trigger();
        ReadBatch();
    }

    /// <summary><paramref name="count"/> gathers back to back; the last batch is checked.</summary>
    public void Gather(int count, CancellationToken stop)
    {
        for (int i = 0; i < count; i++)
        {
            Gather();
            if (i % 1000 == 999)
            {
                stop.ThrowIfCancellationRequested();
            }
        }

        CheckLastBatch();
    }

    public void Trigger()
    {
        _stdin.Write(Newline);
        _stdin.Flush();
    }

    /// <summary>
    /// Blocks until the batch of <see cref="ClientSpec.Lines"/> lines has arrived whole. Fails when the client ends,
    /// stays silent past the timeout (it is then killed), or writes more than a batch.
    /// </summary>
    public void ReadBatch()
    {
        int lines = Spec.Lines;
        _filled = 0;
        int seen = 0;
        _watchdog.Change(BatchTimeout, Timeout.InfiniteTimeSpan);
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
                        ? $"wrote {seen} of {lines} line(s) within {BatchTimeout.TotalSeconds:0} s and was stopped"
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
    }

    /// <summary>Checks that every line of the last batch is a point of the expected measurement and tag, with fields.</summary>
    public void CheckLastBatch()
    {
        ReadOnlySpan<byte> batch = _buffer.AsSpan(0, _filled);
        if (batch.IsEmpty)
        {
            throw Broken("has not written a batch yet");
        }

        foreach (Range range in batch[..^1].Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = batch[range];
            if (!line.StartsWith(_prefix) || line[_prefix.Length..].IndexOf((byte)'=') < 0)
            {
                throw Broken($"wrote a line that is not '{Spec.LinePrefix}' with fields: {Encoding.UTF8.GetString(line)}");
            }
        }
    }

    /// <summary>Resident memory now (VmRSS).</summary>
    public long ResidentBytes() => ProcFs.ResidentBytes(_process.Id);

    /// <summary>Closes stdin, Telegraf's stop, and waits for the exit; a client that does not exit 0 in time is broken.</summary>
    public void Stop()
    {
        TimeSpan timeout = TimeSpan.FromSeconds(10);
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
            Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private InvalidOperationException Broken(string what)
    {
        _stderrPump.Wait(TimeSpan.FromMilliseconds(500));
        string stderr = string.Join("\n  ", StderrLines.TakeLast(10));
        return new InvalidOperationException($"{Spec.Name} ({Spec.Program}) {what}; its last stderr lines:\n  {(stderr.Length == 0 ? "(none)" : stderr)}");
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
