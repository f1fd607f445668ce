using System.Globalization;
using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The report: when, where and how, one table of every figure beside the C floor, Python and Go with the
/// ratios, and the requests each client made per gather.</summary>
internal static class ResultTable
{
    public static string Render(FigureSet figures, MachineInfo machine, EndToEndOptions options, string cpuMethod, string loadAtEnd, TimeSpan took)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line($"### End-to-end benchmark ({(options.Quick ? "quick smoke: sizes too small for the figures to mean much" : "full")})");
        Line();
        Line($"- date: {machine.Date}; {took.TotalMinutes:0.0} min in all; load average (1/5/15 min) {machine.Load} at the start, {loadAtEnd} at the end");
        Line($"- machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory}; {machine.Os}, kernel {machine.Kernel}");
        Line($"- plugin: {machine.Plugin}, commit {machine.Commit}");
        if (!options.AllScenarios)
        {
            Line($"- scenarios: {string.Join(", ", EndToEndOptions.ScenarioNames.Where(options.Includes))} only (--only); the rows of the others are left out");
        }

        Line($"- C floor: tests/Benchmarks/EndToEnd/floor/floor.c, gcc {machine.Gcc} -O2; Python: floor/scraper.py on {machine.Python}; Go: floor/scraper.go built by {machine.Go}; harness on {machine.Dotnet}; dockerd {machine.Docker}");
        bool jvbs = EndToEndOptions.ScenarioNames.Any(scenario => scenario != "host" && options.Includes(scenario));
        if (jvbs)
        {
            Line($"- JVB: busybox httpd on 127.0.0.1 serving tests/testdata/jvb/colibri-stats-2.3.168-stable-9779.json (2.3 KB) at /colibri/stats, 404 for /about/health and /about/version; discovery: the same in a container (host network) of a private dockerd, found by its compose label");
        }

        Line($"- method: each client one long-lived process driven through stdin as Telegraf does (a newline, then its line read back); CPU and context switches per gather = (long window − short window) ÷ (their difference in gathers), windows in the same process after {options.Warmup} warm-up gathers{(options.Includes("cadence") ? $": {options.PacedFew} and {options.PacedGathers} gathers {options.PacedInterval.TotalSeconds:0.###} s apart (all six clients in the same ticks, one after the other, the order turning), {options.BackToBackFew:N0} and {options.BackToBackGathers:N0} back to back (each client alone, the order turning each run)" : "")}");
        Line($"- counted by {cpuMethod}");
        Line($"- {options.Runs} run(s), clients interleaved within each; a cell is the median over the runs (min–max); a ratio is the plugin's ÷ the comparison's in the same run, median (min–max) over the runs; a target is judged on the median; RSS ({options.RssGathers:N0} gathers, one process) and binary size are measured once; MB = 10^6 bytes");
        if (options.Includes("starts") || options.Includes("scale"))
        {
            Line($"- start → first batch: {options.Starts} starts of each client per run (median), 1 static URL; {options.Jvbs} JVBs: one busybox httpd per JVB, {options.ScaleGathers} gathers of each client per run (median) after 3 warm-up gathers");
        }

        if (options.Includes("host"))
        {
            Line($"- {HostScenario.Scenario}: a private dockerd of its own with docker-jitsi-meet's JVB (busybox httpd: /colibri/stats, /about/health, /about/version, /metrics), Jicofo (busybox httpd: /stats, /about/health, /about/version, /debug short form of tests/testdata/jicofo/{DockerEngine.JicofoDebugPayload}) and Prosody (the captured 0.12.3 OpenMetrics answer, headers and body, one busybox nc process per connection), host network, named and labelled as docker-jitsi-meet names them; the plugin at its defaults (jicofo_fleet on) through --endpoint; the C floor's host mode and Go make the same requests (counted at dockerd and each container, {options.AuditGathers} gathers of each client alone); windows of {options.PacedFew} and {options.PacedGathers} gathers {options.PacedInterval.TotalSeconds:0.###} s apart (the three clients in the same ticks) and {options.HostBackToBackFew:N0} and {options.HostBackToBackGathers:N0} back to back (each alone)");
        }

        if (options.Includes("outage"))
        {
            Line($"- JVBs hung: the plugin alone, a fresh process per run and case, {OutageScenario.Jvbs} static URLs of which the hung ones accept and never answer (the integration tests' JvbHttpServer) and the others are busybox httpd JVBs, timeout {OutageScenario.Timeout}; its first {OutageScenario.Gathers} gathers, no warm-up, each from the newline to the answering JVBs' last line");
        }

        Line();
        Line("| figure | target | plugin | C floor | Python | Go | plugin ÷ C floor | plugin ÷ Python | plugin ÷ Go | result |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (Figure figure in figures.All)
        {
            if (figure.Plugin.Count == 0)
            {
                // A scenario left out by --only has no rows; a row missing from a whole run is said.
                if (!options.AllScenarios)
                {
                    continue;
                }

                Line($"| {figure.Name} | {figure.TargetText} | not measured | | | | | | | — |");
                continue;
            }

            string result = figure.Met switch
            {
                true => "met",
                false => "**not met**",
                null => "—",
            };
            Line($"| {figure.Name} | {figure.TargetText} | {figure.Summary(figure.Plugin)} | {figure.Summary(figure.Floor)} | {figure.Summary(figure.Python)} | {figure.Summary(figure.Go)} | {Figure.RatioSummary(figure.RatiosToFloor)} | {Figure.RatioSummary(figure.RatiosToPython)} | {Figure.RatioSummary(figure.RatiosToGo)} | {result} |");
        }

        if (figures.RssSeries.Count > 0)
        {
            Line();
            Line($"The plugin's RSS every {options.RssCheckpoint:N0} gathers of the RSS run: {string.Join(", ", figures.RssSeries.Select(mb => mb.ToString("0.00", CultureInfo.InvariantCulture)))} MB.");
        }

        if (figures.OutageGathers.Any(runs => runs.Count > 0))
        {
            Line();
            Line("With JVBs hung, each of the first gathers in seconds, median (min–max) over the runs:");
            Line();
            for (int c = 0; c < OutageScenario.Hung.Length; c++)
            {
                List<double[]> runs = figures.OutageGathers[c];
                IEnumerable<string> gathers = Enumerable.Range(0, OutageScenario.Gathers)
                    .Select(g => $"gather {g + 1}: {figures.Outage[c].Summary(runs.Select(run => run[g]))}");
                Line($"- {OutageScenario.Hung[c]} of {OutageScenario.Jvbs} hung: {string.Join("; ", gathers)}");
            }
        }

        Line();
        Line("Requests per gather by path (mean over the runs; every other path the JVB has answers 404):");
        Line();
        Line("| scenario | client | requests per gather |");
        Line("|---|---|---|");
        foreach (IGrouping<(string Scenario, string Client), RequestsSeen> group in figures.RequestsByPath.GroupBy(seen => (seen.Scenario, seen.Client)))
        {
            int runs = group.Count();
            IEnumerable<string> paths = group.SelectMany(seen => seen.PerGather)
                .GroupBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(path => (Path: path.Key, PerGather: path.Sum(pair => pair.Value) / runs))
                .OrderByDescending(path => path.PerGather)
                .Select(path => $"{path.Path} {path.PerGather.ToString("0.###", CultureInfo.InvariantCulture)}");
            Line($"| {group.Key.Scenario} | {group.Key.Client} | {string.Join(", ", paths)} |");
        }

        return text.ToString();
    }
}
