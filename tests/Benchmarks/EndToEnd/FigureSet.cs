namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The rows of the table, targets first, named for the sizes of this invocation.</summary>
internal sealed class FigureSet(EndToEndOptions options)
{
    private static readonly FigureTarget SameAsFloor = new(TargetBasis.RatioToFloor, 1, Equal: true);


    public Figure PacedCpu { get; } = new($"CPU per gather, {Paced(options)}, static URL", "µs", 0)
    {
        Targets = [new(TargetBasis.RatioToFloor, 1.5), new(TargetBasis.RatioToPython, 0.5)],
    };

    public Figure BackToBackCpu { get; } = new("CPU per gather, back to back, static URL", "µs", 0)
    {
        Targets = [new(TargetBasis.RatioToFloor, 2)],
    };

    public Figure PacedSwitches { get; } = new($"context switches per gather, {Paced(options)}, static URL", "", 2)
    {
        Targets = [new(TargetBasis.Value, 6)],
    };

    public Figure BackToBackSwitches { get; } = new("context switches per gather, back to back, static URL", "", 2)
    {
        Targets = [new(TargetBasis.Value, 6)],
    };

    public Figure DockerCpu { get; } = new($"CPU per gather, Docker discovery of 1 container, {Paced(options)}", "µs", 0)
    {
        Targets = [new(TargetBasis.RatioToFloor, 1.5)],
    };

    public Figure DockerSwitches { get; } = new($"context switches per gather, Docker discovery, {Paced(options)}", "", 2)
    {
        Targets = [new(TargetBasis.Value, 6)],
    };

    public Figure Rss { get; } = new($"RSS after {options.RssGathers:N0} gathers back to back", "MB", 2)
    {
        Targets = [new(TargetBasis.Value, 10)],
    };

    public Figure RssAtCheckpoint { get; } = new($"RSS after {options.RssCheckpoint:N0} gathers (same process)", "MB", 2);

    public Figure BinarySize { get; } = new("binary size (linux-x64, Native AOT)", "MB", 2)
    {
        Targets = [new(TargetBasis.Value, 7)],
    };

    public Figure Start { get; } = new("start → first batch (exec to the first line for the first newline)", "ms", 1)
    {
        Targets = [new(TargetBasis.Value, 15)],
    };

    public Figure Scale { get; } = new($"one gather of {options.Jvbs} JVBs (static URLs), wall, median", "ms", 1)
    {
        Targets = [new(TargetBasis.Value, 50)],
    };

    /// <summary>Per case of <see cref="OutageScenario.Hung"/>: each run's slowest gather of the first ones.</summary>
    public Figure[] Outage { get; } =
    [
        .. OutageScenario.Hung.Select(hung => new Figure(
            $"slowest of the first {OutageScenario.Gathers} gathers, {hung} of {OutageScenario.Jvbs} JVBs hung (static URLs, timeout {OutageScenario.Timeout}), wall",
            "s",
            2)
        {
            Targets = [new(TargetBasis.Value, 1.6)],
        }),
    ];

    /// <summary>Per case of <see cref="OutageScenario.Hung"/>, per run, each gather's seconds in order.</summary>
    public List<double[]>[] OutageGathers { get; } = [.. OutageScenario.Hung.Select(_ => new List<double[]>())];

    public Figure BackToBackWall { get; } = new("wall time per gather, back to back, static URL (stdin `\\n` → line read)", "µs", 0);

    public Figure StaticRequests { get; } = new("JVB requests per gather, static URL, back to back", "", 3)
    {
        Targets = [SameAsFloor],
    };

    public Figure PacedRequests { get; } = new($"JVB requests per gather, static URL, {Paced(options)}", "", 3);

    public Figure DockerCalls { get; } = new("Docker API calls per gather, discovery", "", 3)
    {
        Targets = [SameAsFloor],
    };

    public Figure DockerRequests { get; } = new("JVB requests per gather, discovery", "", 3)
    {
        Targets = [SameAsFloor],
    };

    public Figure HostPacedCpu { get; } = new($"CPU per gather, docker-jitsi-meet host (JVB, Jicofo, Prosody) through Docker, {Paced(options)}", "µs", 0);

    public Figure HostBackToBackCpu { get; } = new("CPU per gather, docker-jitsi-meet host through Docker, back to back", "µs", 0);

    public Figure HostPacedSwitches { get; } = new($"context switches per gather, docker-jitsi-meet host, {Paced(options)}", "", 2);

    public Figure HostBackToBackSwitches { get; } = new("context switches per gather, docker-jitsi-meet host, back to back", "", 2);

    public Figure HostDockerCalls { get; } = new("Docker API calls per gather, docker-jitsi-meet host", "", 3)
    {
        Targets = [SameAsFloor],
    };

    public Figure HostRequests { get; } = new("component requests per gather, docker-jitsi-meet host", "", 3)
    {
        Targets = [SameAsFloor],
    };

    /// <summary>The plugin's RSS at every tenth of the RSS run, in MB, to show whether it is flat.</summary>
    public List<double> RssSeries { get; } = [];

    /// <summary>Every client's requests per gather by path, per scenario and run, for the table under the figures.</summary>
    public List<RequestsSeen> RequestsByPath { get; } = [];

    public void Saw(string scenario, params CadenceResult[] results) =>
        RequestsByPath.AddRange(results.Select(result => new RequestsSeen(scenario, result.Client, result.RequestsPerGather)));

    private static string Paced(EndToEndOptions options) =>
        options.PacedInterval == TimeSpan.FromSeconds(1) ? "one a second" : $"one every {options.PacedInterval.TotalSeconds:0.###} s";

    public IReadOnlyList<Figure> All =>
    [
        PacedCpu, BackToBackCpu, PacedSwitches, BackToBackSwitches, DockerCpu, DockerSwitches, Rss, BinarySize, Start, Scale, .. Outage,
        StaticRequests, DockerCalls, DockerRequests,
        RssAtCheckpoint, BackToBackWall, PacedRequests,
        HostPacedCpu, HostBackToBackCpu, HostPacedSwitches, HostBackToBackSwitches, HostDockerCalls, HostRequests,
    ];
}
