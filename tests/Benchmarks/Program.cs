using BenchmarkDotNet.Running;
using ExecdJvb.Benchmarks.EndToEnd;

namespace ExecdJvb.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "e2e")
        {
            return EndToEndBenchmark.Run(args[1..]);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();

        // BenchmarkDotNet prints its errors but exits 0; build.ps1 bench needs a failing exit code.
        bool failed = summaries.Count == 0
            || summaries.Any(summary => summary.HasCriticalValidationErrors
                || summary.Reports.Length == 0
                || summary.Reports.Any(report => !report.Success));
        return failed ? 1 : 0;
    }
}
