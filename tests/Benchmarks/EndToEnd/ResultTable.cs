using System.Globalization;
using System.Text;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The report: machine, one table of every figure with floor, ratio and min/median/max, and each run's values.</summary>
internal static class ResultTable
{
    public static string Render(IReadOnlyList<Figure> figures, MachineInfo machine, EndToEndOptions options, string loadAtEnd, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### End-to-end benchmark ({(options.Quick ? "quick smoke: sizes too small for the figures to mean much" : "full")})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory}; {machine.Os}, kernel {machine.Kernel}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average (1/5/15 min): {machine.Load} at the start, {loadAtEnd} at the end");
        text.AppendLine(CultureInfo.InvariantCulture, $"- plugin: {machine.Plugin}, commit {machine.Commit}; harness and floor on {machine.Dotnet}; dockerd {machine.Docker}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- {options.Runs} run(s); per run: {options.Gathers:N0} gathers in one process (1 JVB, {options.LatencySamples:N0} of them timed beside as many floor gathers), {options.Starts} starts of each build, {options.ScaleGathers} timed gathers against {options.Containers} containers (+{options.CountedGathers} counted at the Docker API proxy); {took.TotalMinutes:0.0} min in all");
        text.AppendLine("- floor: in the same process run, interleaved with the plugin's samples: one `GET /containers/json` (the plugin's own request) on a kept-alive unix-socket connection to the same dockerd, and one GET of each JVB's stats from the same servers, by a blocking raw-socket HTTP/1.1 client that reads the bytes and parses nothing");
        text.AppendLine("- median, min and max are over the runs (each run's value is its own median or percentile); the target is judged on the median; MiB = 2^20 bytes");
        text.AppendLine();
        text.AppendLine("| figure | target | median | min | max | floor (median) | ratio: median (min–max) | result |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (Figure figure in figures)
        {
            if (figure.Values.Count == 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Name} | {figure.Target} | {figure.NotMeasured ?? "not measured"} | | | | | — |");
                continue;
            }

            string floor = figure.HasFloor ? figure.Format(Percentile.Median(figure.Floors)) : "—";
            string ratio = figure.HasFloor
                ? $"{Ratio(Percentile.Median(figure.Ratios))} ({Ratio(figure.Ratios.Min())}–{Ratio(figure.Ratios.Max())})"
                : "—";
            string result = figure.Met switch
            {
                true => "met",
                false => "**not met**",
                null => "—",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Name} | {figure.Target} | {figure.Format(Percentile.Median(figure.Values))} | {figure.Format(figure.Values.Min())} | {figure.Format(figure.Values.Max())} | {floor} | {ratio} | {result} |");
        }

        if (options.Runs > 1)
        {
            text.AppendLine();
            text.AppendLine("Each run (value, and floor in brackets):");
            text.AppendLine();
            text.AppendLine("| figure | " + string.Join(" | ", Enumerable.Range(1, options.Runs).Select(run => $"run {run}")) + " |");
            text.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", options.Runs)));
            foreach (Figure figure in figures.Where(figure => figure.Values.Count > 1))
            {
                IEnumerable<string> cells = figure.Values.Select((value, run) =>
                    figure.Format(value) + (figure.HasFloor ? $" ({figure.Format(figure.Floors[run])})" : ""));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Name} | {string.Join(" | ", cells)} |");
            }
        }

        return text.ToString();
    }

    private static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}
