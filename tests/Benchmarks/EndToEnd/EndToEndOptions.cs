using System.Globalization;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>What the end-to-end benchmark measures and how often; full mode by default, --quick for a CI smoke.</summary>
internal sealed record EndToEndOptions
{
    public const string Usage = """
        usage: ExecdJvb.Benchmarks e2e [--quick] [--binary PATH] [--jit-binary PATH] [--out DIR]
                                       [--runs N] [--containers N] [--gathers N] [--latency-samples N]
                                       [--starts N] [--scale-gathers N] [--counted-gathers N]
          --binary          the Native-AOT execd-jvb (default artifacts/linux-x64/execd-jvb)
          --jit-binary      the same code published without AOT, for the AOT vs JIT rows (omitted: not measured)
          --out             folder for e2e.md (default artifacts/bench)
          --quick           smoke sizes: 1 run, 3 containers, 1,000 gathers (timings indicative only)
        full mode: 5 runs, 100 containers, 100,000 gathers per run, 5,000 latency pairs, 10 starts, 100 scale gathers
        """;

    public bool Quick { get; init; }

    public string Binary { get; init; } = Path.Combine("artifacts", "linux-x64", "execd-jvb");

    public string? JitBinary { get; init; }

    public string OutDir { get; init; } = Path.Combine("artifacts", "bench");

    /// <summary>Repetitions of every figure, for min/median/max.</summary>
    public int Runs { get; init; } = 5;

    /// <summary>JVB containers (busybox httpd, host network) for the scale figure.</summary>
    public int Containers { get; init; } = 100;

    /// <summary>Gathers in one plugin process, one JVB, for RSS and CPU.</summary>
    public int Gathers { get; init; } = 100_000;

    /// <summary>Plugin and floor samples, interleaved, for the latency percentiles.</summary>
    public int LatencySamples { get; init; } = 5_000;

    /// <summary>Process starts of each build per run, for start → first batch.</summary>
    public int Starts { get; init; } = 10;

    /// <summary>Plugin and floor gathers, interleaved, against all containers.</summary>
    public int ScaleGathers { get; init; } = 100;

    /// <summary>Steady-state gathers counted at the Docker API proxy.</summary>
    public int CountedGathers { get; init; } = 10;

    /// <summary>Gathers before RSS and CPU are taken as the base (a tenth), also where AOT and JIT RSS are compared.</summary>
    public int Warmup => Math.Max(1, Gathers / 10);

    public static EndToEndOptions Parse(IReadOnlyList<string> args)
    {
        bool quick = args.Contains("--quick");
        var options = quick
            ? new EndToEndOptions { Quick = true, Runs = 1, Containers = 3, Gathers = 1_000, LatencySamples = 200, Starts = 5, ScaleGathers = 10, CountedGathers = 5 }
            : new EndToEndOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--quick")
            {
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            string value = args[++i];
            options = name switch
            {
                "--binary" => options with { Binary = value },
                "--jit-binary" => options with { JitBinary = value },
                "--out" => options with { OutDir = value },
                "--runs" => options with { Runs = Count(name, value, 1) },
                "--containers" => options with { Containers = Count(name, value, 1) },
                "--gathers" => options with { Gathers = Count(name, value, 20) },
                "--latency-samples" => options with { LatencySamples = Count(name, value, 10) },
                "--starts" => options with { Starts = Count(name, value, 1) },
                "--scale-gathers" => options with { ScaleGathers = Count(name, value, 2) },
                "--counted-gathers" => options with { CountedGathers = Count(name, value, 1) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        if (options.Warmup + options.LatencySamples >= options.Gathers)
        {
            throw new ArgumentException($"--gathers {options.Gathers} leaves no room after {options.Warmup} warm-up and {options.LatencySamples} latency gathers");
        }

        return options;
    }

    private static int Count(string name, string value, int least) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= least
            ? count
            : throw new ArgumentException($"{name} needs a whole number of at least {least}, not '{value}'");
}
