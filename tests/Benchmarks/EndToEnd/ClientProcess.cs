using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// A client of the comparison (<see cref="ClientSpec"/>) run by the tests' process runner and driven through its
/// trigger-and-collect loop as Telegraf's inputs.execd drives a plugin: started once, "\n" on stdin per gather, the
/// batch of line protocol read back from stdout. What the benchmark adds: each batch is checked against the client's
/// line count and line prefix, and a client that breaks is reported with its last stderr lines.
/// </summary>
internal sealed class ClientProcess : IDisposable
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(60);

    private readonly ExecdProcess _process;
    private readonly CancellationTokenRegistration _onStop;
    private IReadOnlyList<string> _lastBatch = [];

    private ClientProcess(ExecdProcess process, ClientSpec spec, CancellationToken stop)
    {
        _process = process;
        Spec = spec;

        // An interrupted benchmark must not wait out a read: the process goes at once, the read ends.
        _onStop = stop.Register(process.Kill);
    }

    public ClientSpec Spec { get; }

    public int Id => _process.ProcessId;

    /// <summary>The lines of the last gather.</summary>
    public IReadOnlyList<string> LastBatch => _lastBatch;

    /// <summary>Starts the client; <paramref name="stop"/> kills it.</summary>
    public static ClientProcess Start(ClientSpec spec, CancellationToken stop) =>
        new(ExecdProcess.StartProgram(spec.Program, spec.Args), spec, stop);

    /// <summary>
    /// One gather: the trigger, as Telegraf writes it each interval, and the whole batch of <see cref="ClientSpec.Lines"/>
    /// lines read back. Fails when the client ends, stays silent past the timeout, or writes more than a batch.
    /// </summary>
    public void Gather()
    {
        try
        {
            _lastBatch = _process.GatherAsync(Spec.Lines, BatchTimeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException ex)
        {
            throw Broken($"did not write its batch: {ex.Message}");
        }

        if (_process.PendingStdoutLines > 0)
        {
            throw Broken($"wrote more than the {Spec.Lines} line(s) of a batch");
        }
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

    /// <summary>Checks that every line of the last batch is a point of the expected measurement and tag, with fields.</summary>
    public void CheckLastBatch()
    {
        if (_lastBatch.Count == 0)
        {
            throw Broken("has not written a batch yet");
        }

        foreach (string line in _lastBatch)
        {
            if (!line.StartsWith(Spec.LinePrefix, StringComparison.Ordinal) || !line[Spec.LinePrefix.Length..].Contains('=', StringComparison.Ordinal))
            {
                throw Broken($"wrote a line that is not '{Spec.LinePrefix}' with fields: {line}");
            }
        }
    }

    /// <summary>Resident memory now (VmRSS).</summary>
    public long ResidentBytes() => ProcFs.ResidentBytes(_process.ProcessId);

    /// <summary>Closes stdin, Telegraf's stop, and waits for the exit; a client that does not exit 0 in time is broken.</summary>
    public void Stop()
    {
        TimeSpan timeout = TimeSpan.FromSeconds(10);
        int exitCode;
        try
        {
            exitCode = _process.CloseStdinAsync(timeout).GetAwaiter().GetResult().ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw Broken($"did not exit within {timeout.TotalSeconds:0} s of stdin closing");
        }

        if (exitCode != 0)
        {
            throw Broken($"exited with {exitCode} when stdin closed");
        }
    }

    public void Dispose()
    {
        _onStop.Dispose();
        _process.Dispose();
    }

    private InvalidOperationException Broken(string what)
    {
        string stderr = string.Join("\n  ", _process.StderrLines.TakeLast(10));
        return new InvalidOperationException($"{Spec.Name} ({Spec.Program}) {what}; its last stderr lines:\n  {(stderr.Length == 0 ? "(none)" : stderr)}");
    }
}
