using System.Globalization;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>What the end-to-end benchmark measures and how often; full mode by default, --quick for a CI smoke.</summary>
internal sealed record EndToEndOptions
{
    public const string Usage = """
        usage: ExecdJvb.Benchmarks e2e [--quick] [--binary PATH] [--out DIR] [--runs N]
                                       [--paced-gathers N] [--paced-interval-ms N] [--back-to-back-gathers N]
                                       [--rss-gathers N] [--starts N] [--jvbs N] [--scale-gathers N] [--cpu perf|schedstat]
                                       [--host-back-to-back-gathers N] [--only SCENARIO[,SCENARIO...]]
          --binary                the Native-AOT execd-jvb (default artifacts/linux-x64/execd-jvb)
          --out                   folder for e2e.md and the compiled C floor (default artifacts/bench)
          --quick                 smoke sizes: 1 run, 8 gathers at 0.2 s, 300 back to back, 2,000 for RSS,
                                  3 starts, 3 gathers of 100 JVBs; timings indicative only, under a minute
          --runs                  repetitions of every figure but RSS, clients interleaved (default 5)
          --paced-gathers         gathers at the paced cadence per window (default 60; the short window is a twelfth)
          --paced-interval-ms     the paced cadence (default 1000)
          --back-to-back-gathers  gathers back to back per window (default 5,000; the short window is a twenty-fifth)
          --rss-gathers           gathers back to back in the RSS process (default 100,000; RSS also at a tenth)
          --starts                process starts of each client per run (default 10)
          --jvbs                  busybox httpd JVBs for the many-JVB gather (default 100)
          --scale-gathers         timed gathers of each client per run against them (default 10)
          --cpu                   how CPU time and context switches are counted: perf (perf stat attached to each
                                  client, the default where it works) or schedstat (sums over /proc/<pid>/task/*)
          --host-back-to-back-gathers
                                  gathers of the whole docker-jitsi-meet host back to back per window (default
                                  1,000; the short window is a twenty-fifth)
          --only                  the scenarios to run, the others left out of the table (default all):
                                  cadence (static URLs and Docker discovery at both cadences), starts, scale,
                                  outage, rss, host (a whole docker-jitsi-meet host through Docker)
        """;

    /// <summary>Every scenario <c>--only</c> can name, in the order they run.</summary>
    public static readonly string[] ScenarioNames = ["cadence", "starts", "scale", "outage", "rss", "host"];

    public bool Quick { get; init; }

    public string Binary { get; init; } = Path.Combine("artifacts", "linux-x64", "execd-jvb");

    public string OutDir { get; init; } = Path.Combine("artifacts", "bench");

    public int Runs { get; init; } = 5;

    /// <summary>Gathers of the long paced window; the short one has <see cref="PacedFew"/>.</summary>
    public int PacedGathers { get; init; } = 60;

    public int PacedFew => Math.Max(2, PacedGathers / 12);

    public TimeSpan PacedInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gathers of the long back-to-back window; the short one has <see cref="BackToBackFew"/>.</summary>
    public int BackToBackGathers { get; init; } = 5_000;

    public int BackToBackFew => Math.Max(10, BackToBackGathers / 25);

    /// <summary>Gathers of the long back-to-back window of the host scenario; a host gather is many documents, so fewer.</summary>
    public int HostBackToBackGathers { get; init; } = 1_000;

    public int HostBackToBackFew => Math.Max(10, HostBackToBackGathers / 25);

    /// <summary>The scenarios that run (<see cref="ScenarioNames"/>).</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(ScenarioNames, StringComparer.Ordinal);

    public bool AllScenarios => Scenarios.Count == ScenarioNames.Length;

    public bool Includes(string scenario) => Scenarios.Contains(scenario);

    /// <summary>Gathers each client does back to back after its start, before any window: the plugin asks
    /// /about/health and /about/version in its first two.</summary>
    public int Warmup { get; init; } = 5;

    public int RssGathers { get; init; } = 100_000;

    public int RssCheckpoint => RssGathers / 10;

    public int Starts { get; init; } = 10;

    /// <summary>Count CPU with the schedstat sums even where perf stat works.</summary>
    public bool SchedstatOnly { get; init; }

    public int Jvbs { get; init; } = 100;

    public int ScaleGathers { get; init; } = 10;

    /// <summary>Gathers counted at dockerd and the JVB container, per discovery client, after its warm-up.</summary>
    public int AuditGathers { get; init; } = 20;

    public static EndToEndOptions Parse(IReadOnlyList<string> args)
    {
        bool quick = args.Contains("--quick");
        var options = quick
            ? new EndToEndOptions
            {
                Quick = true, Runs = 1, PacedGathers = 8, PacedInterval = TimeSpan.FromMilliseconds(200), BackToBackGathers = 300, HostBackToBackGathers = 100,
                RssGathers = 2_000, Starts = 3, ScaleGathers = 3, AuditGathers = 5,
            }
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
                "--out" => options with { OutDir = value },
                "--runs" => options with { Runs = Count(name, value, 1) },
                "--paced-gathers" => options with { PacedGathers = Count(name, value, 4) },
                "--paced-interval-ms" => options with { PacedInterval = TimeSpan.FromMilliseconds(Count(name, value, 10)) },
                "--back-to-back-gathers" => options with { BackToBackGathers = Count(name, value, 20) },
                "--rss-gathers" => options with { RssGathers = Count(name, value, 10) },
                "--starts" => options with { Starts = Count(name, value, 1) },
                "--jvbs" => options with { Jvbs = Count(name, value, 1) },
                "--scale-gathers" => options with { ScaleGathers = Count(name, value, 1) },
                "--host-back-to-back-gathers" => options with { HostBackToBackGathers = Count(name, value, 20) },
                "--only" => options with { Scenarios = ScenarioSet(value) },
                "--cpu" => options with
                {
                    SchedstatOnly = value switch
                    {
                        "perf" => false,
                        "schedstat" => true,
                        _ => throw new ArgumentException($"--cpu takes perf or schedstat, not '{value}'"),
                    },
                },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static HashSet<string> ScenarioSet(string value)
    {
        var scenarios = new HashSet<string>(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        string[] unknown = [.. scenarios.Where(scenario => !ScenarioNames.Contains(scenario))];
        return unknown.Length == 0 && scenarios.Count > 0
            ? scenarios
            : throw new ArgumentException($"--only takes some of {string.Join(", ", ScenarioNames)}, not '{value}'");
    }

    private static int Count(string name, string value, int least) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= least
            ? count
            : throw new ArgumentException($"{name} needs a whole number of at least {least}, not '{value}'");
}
