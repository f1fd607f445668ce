using SharpFuzz;

namespace ExecdJvb.Fuzz;

/// <summary>
/// Fuzz entry point. Under afl-fuzz (no arguments, input on stdin) it runs SharpFuzz's out-of-process
/// fork server, which survives a hang or a fatal crash by restarting the worker; under a libFuzzer
/// driver (__LIBFUZZER_SHM_ID set) it runs SharpFuzz's libFuzzer loop; given file paths it replays
/// each one and prints the exception of any that fails (exit 1), for triage and regression files.
/// </summary>
internal static class Program
{
    // Built on the first input, never before: instrumented plugin code writes its coverage to SharpFuzz's
    // shared memory, which exists only once Fuzzer.*.Run has attached it (and never in the fork server).
    private static MapTarget? s_target;

    private static MapTarget Target => s_target ??= new MapTarget();

    private static int Main(string[] args)
    {
        if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null)
        {
            Fuzzer.LibFuzzer.Run(input => Target.Run(input));
            return 0;
        }

        if (args.Length > 0)
        {
            return Replay(Target, args);
        }

        Fuzzer.OutOfProcess.Run(input => Target.Run(input));
        return 0;
    }

    private static int Replay(MapTarget target, string[] paths)
    {
        int failed = 0;
        foreach (string path in paths)
        {
            try
            {
                target.Run(File.ReadAllBytes(path));
                Console.WriteLine($"ok     {path}");
            }
            catch (InvariantViolationException ex)
            {
                failed++;
                Console.WriteLine($"FAILED {path}");
                Console.WriteLine(ex);
            }
        }

        Console.WriteLine($"{paths.Length - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
