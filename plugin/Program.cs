using System.Runtime.InteropServices;
using ExecdJvb;

using var stop = new CancellationTokenSource();

// Telegraf ends a plugin with SIGTERM; that is a normal stop with exit code 0, not a crash.
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

return await App.RunAsync(
    args,
    Environment.GetEnvironmentVariables(),
    Console.OpenStandardInput(),
    Console.OpenStandardOutput(),
    Console.Error,
    stop.Token).ConfigureAwait(false);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
