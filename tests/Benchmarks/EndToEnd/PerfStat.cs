using System.Diagnostics;
using System.Globalization;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// perf stat -e task-clock,context-switches attached to a running process for one window: started with its
/// counters disabled (-D -1), enabled and disabled through its control FIFO (each command acknowledged), so the
/// window is exactly the span between <see cref="Enable"/> and <see cref="Disable"/>, whatever perf's own start
/// and exit cost. Threads the process starts meanwhile are counted (perf inherits to them), as are threads that end.
/// </summary>
internal sealed class PerfStat : IDisposable
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _perf;
    private readonly FileStream _control;
    private readonly FileStream _ack;
    private readonly Task<string> _output;
    private readonly string _folder;

    private PerfStat(Process perf, FileStream control, FileStream ack, string folder)
    {
        _perf = perf;
        _control = control;
        _ack = ack;
        _folder = folder;
        _output = perf.StandardError.ReadToEndAsync();
    }

    /// <summary>Attaches to <paramref name="pid"/> with the counters off; fifos go in a folder of their own under <paramref name="scratch"/>.</summary>
    public static PerfStat Attach(int pid, string scratch)
    {
        string folder = Path.Combine(scratch, "perf-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        string control = Path.Combine(folder, "ctl");
        string ack = Path.Combine(folder, "ack");
        MakeFifo(control);
        MakeFifo(ack);

        // Both FIFOs are opened read-write here, which never blocks, so a perf that fails to start cannot hang
        // the harness; perf's own opens then find their other end at once.
        var controlStream = new FileStream(control, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
        var ackStream = new FileStream(ack, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
        var start = new ProcessStartInfo("perf")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "stat", "-x", ",", "--no-big-num", "-e", "task-clock,context-switches", "-D", "-1",
            "--control", $"fifo:{control},{ack}", "-p", pid.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var perf = new PerfStat(Process.Start(start) ?? throw new InvalidOperationException("perf did not start"), controlStream, ackStream, folder);
        return perf;
    }

    public void Enable() => Command("enable");

    public void Disable() => Command("disable");

    /// <summary>Ends perf (SIGINT, as Ctrl-C) and reads what it counted while enabled.</summary>
    public (double Nanoseconds, double ContextSwitches) Finish()
    {
        Posix.Kill(_perf.Id, Posix.SigInt);
        if (!_perf.WaitForExit(AckTimeout))
        {
            throw new InvalidOperationException("perf stat did not exit within 10 s of SIGINT");
        }

        string output = _output.Result;
        double nanoseconds = double.NaN;
        double switches = double.NaN;
        foreach (string line in output.Split('\n'))
        {
            // CSV: value,unit,event,run time,percentage enabled,...; task-clock is in msec with two decimals.
            string[] fields = line.Split(',');
            if (fields.Length < 3 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                continue;
            }

            if (fields[2].StartsWith("task-clock", StringComparison.Ordinal))
            {
                nanoseconds = fields[1] == "msec" ? value * 1e6 : value;
            }
            else if (fields[2].StartsWith("context-switches", StringComparison.Ordinal))
            {
                switches = value;
            }
        }

        if (double.IsNaN(nanoseconds) || double.IsNaN(switches))
        {
            throw new InvalidOperationException($"perf stat gave no task-clock and context-switches counts; it wrote:\n{output}");
        }

        return (nanoseconds, switches);
    }

    public void Dispose()
    {
        if (!_perf.HasExited)
        {
            _perf.Kill();
            _perf.WaitForExit(AckTimeout);
        }

        _perf.Dispose();
        _control.Dispose();
        _ack.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Command(string command)
    {
        _control.Write(System.Text.Encoding.ASCII.GetBytes(command + "\n"));
        _control.Flush();
        Task<string> ack = ReadAckAsync();
        if (!ack.Wait(AckTimeout) || ack.Result != "ack")
        {
            string said = _perf.HasExited ? _output.Result : "(still running)";
            throw new InvalidOperationException($"perf stat did not acknowledge '{command}' within {AckTimeout.TotalSeconds:0} s; it wrote: {said}");
        }
    }

    private Task<string> ReadAckAsync() => Task.Run(() =>
    {
        var text = new System.Text.StringBuilder();
        int next;
        // perf writes "ack\n" with its C string's NUL after it: a NUL before the word is the last ack's end.
        while ((next = _ack.ReadByte()) >= 0 && next != '\n')
        {
            if (next != 0)
            {
                text.Append((char)next);
            }
        }

        return text.ToString();
    });

    private static void MakeFifo(string path)
    {
        if (ExecdProcess.Run("mkfifo", [path], TimeSpan.FromSeconds(10)).ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} failed");
        }
    }
}
