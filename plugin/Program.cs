using System.Runtime.InteropServices;
using ExecdJvb.Execd;
using ExecdJvb;

using var stop = new CancellationTokenSource();

// Telegraf ends a plugin with SIGTERM; that is a normal stop with exit code 0, not a crash.
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

try
{
    return await App.RunAsync(
        args,
        Environment.GetEnvironmentVariables(),
        DescriptorInput.Standard,
        // Not Console.OpenStandardOutput(): the console stream swallows EPIPE, and the plugin must notice
        // when Telegraf stops reading rather than gather into the void.
        new DescriptorWriteStream(1),
        Console.Error,
        stop.Token).ConfigureAwait(false);
}
catch (Exception ex)
{
    // Never a stack trace on stderr: Telegraf would log each of its lines as a separate error.
    new StderrLog(Console.Error, debug: false).Error($"execd-jvb stopped on an unexpected error: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
