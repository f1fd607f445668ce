using ExecdJvb.Tests;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// A whole docker-jitsi-meet host read through Docker, in a private dockerd of its own: a JVB with colibri's REST API
/// on, a Jicofo serving /stats and the /debug short form (the fleet view), and a Prosody whose /metrics answers as
/// the captured one did (OpenMetrics, with its Content-Type), named, labelled and imaged as docker-jitsi-meet's compose
/// file makes them (the integration tests' <see cref="DockerJitsiMeet"/>), each on the host network on a port of its
/// own that its execd-jvb.port label announces. The plugin reads it at its defaults (jicofo_fleet on); the C floor's
/// host mode and the Go scraper are given the paths the plugin asks, and an audit before the runs counts, at dockerd
/// and at each container, that all three make the same requests per gather.
/// </summary>
internal sealed class HostScenario : IAsyncDisposable
{
    public const string Scenario = "docker-jitsi-meet host";

    /// <summary>The OpenMetrics answer the Prosody stand-in gives, as Telegraf writes it at the plugin's defaults.</summary>
    private const string ProsodyGolden = "metrics-0.12.3-openmetrics.openmetrics.out";

    /// <summary>
    /// What a steady-state gather of the plugin asks each component at its defaults (health on every gather where it
    /// answers, the version only once, Jicofo's fleet view): the floor and Go are given these, the audit checks them.
    /// </summary>
    private static readonly (string Service, string Container, string[] Paths)[] Components =
    [
        ("jvb", DockerJitsiMeet.Jvb, ["/colibri/stats", "/about/health"]),
        ("jicofo", DockerJitsiMeet.Jicofo, ["/stats", "/about/health", "/debug"]),
        ("prosody", DockerJitsiMeet.Prosody, ["/metrics"]),
    ];

    private readonly DockerEngine _engine;

    private HostScenario(DockerEngine engine, ClientSpec[] clients)
    {
        _engine = engine;
        Clients = clients;
    }

    /// <summary>The plugin, the C floor and the Go scraper, in table order.</summary>
    public ClientSpec[] Clients { get; }

    public DockerEngine Engine => _engine;

    /// <summary>Starts the dockerd and the three containers, and learns the list request the plugin sends.</summary>
    public static async Task<HostScenario> StartAsync(Clients clients, CancellationToken stop)
    {
        DockerEngine engine = await DockerEngine.StartAsync("--debug");
        try
        {
            var ports = new HashSet<int>();
            for (int attempt = 0; attempt < 100 && ports.Count < Components.Length; attempt++)
            {
                ports.Add(FreePort.Next());
            }

            if (ports.Count < Components.Length)
            {
                throw new InvalidOperationException($"no {Components.Length} distinct free ports in 100 attempts");
            }

            int[] port = [.. ports];
            await DockerJitsiMeet.RunJvbAsync(engine, port[0]);
            await DockerJitsiMeet.RunJicofoAsync(engine, port[1]);
            await DockerJitsiMeet.RunProsodyAsync(engine, port[2]);

            ClientSpec plugin = clients.PluginHost(engine.Endpoint, PluginLines());
            string listTarget = await EndToEndBenchmark.ListRequestOfAsync(engine, plugin, stop);
            string[] services = [.. Components.Select(component => $"{component.Service}={string.Join(',', component.Paths)}")];
            int documents = Components.Sum(component => component.Paths.Length);
            ClientSpec[] specs =
            [
                plugin,
                clients.FloorHost(engine.SocketPath, listTarget, services, documents),
                clients.GoHost(engine.SocketPath, listTarget, services, documents),
            ];
            EndToEndBenchmark.Log($"{Scenario}: private dockerd at {engine.Endpoint}; {string.Join(", ", Components.Select((component, i) => $"{component.Container} on 127.0.0.1:{port[i]}"))}; the plugin lists with GET {listTarget}; the C floor and Go ask {string.Join(" ", services)}");
            return new HostScenario(engine, specs);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Each client alone, after its warm-up: the Docker API calls (dockerd's debug log) and the requests at each
    /// container (its log) per gather; and the plugin's batch is checked point by point against the payloads.
    /// </summary>
    public async Task AuditAsync(FigureSet figures, EndToEndOptions options, CancellationToken stop)
    {
        var calls = new double[Clients.Length];
        var totals = new double[Clients.Length];
        for (int c = 0; c < Clients.Length; c++)
        {
            ClientSpec spec = Clients[c];
            using ClientProcess client = ClientProcess.Start(spec, stop);
            await EndToEndBenchmark.OnOwnThread(() => { client.Gather(options.Warmup, stop); return 0; });
            int[] pathsBefore = await Task.WhenAll(Components.Select(async component => (await _engine.RequestedPathsAsync(component.Container)).Count));
            int callsBefore = await EndToEndBenchmark.SettledDockerCallsAsync(_engine);
            await EndToEndBenchmark.OnOwnThread(() => { client.Gather(options.AuditGathers, stop); return 0; });
            int callsAfter = await EndToEndBenchmark.SettledDockerCallsAsync(_engine);
            var requests = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int i = 0; i < Components.Length; i++)
            {
                foreach (IGrouping<string, string> path in (await _engine.RequestedPathsAsync(Components[i].Container)).Skip(pathsBefore[i]).GroupBy(path => path, StringComparer.Ordinal))
                {
                    requests[$"{Components[i].Service} {path.Key}"] = (double)path.Count() / options.AuditGathers;
                }
            }

            if (c == 0)
            {
                CheckPluginBatch(client.LastBatch);
            }

            client.Stop();
            calls[c] = (double)(callsAfter - callsBefore) / options.AuditGathers;
            totals[c] = requests.Values.Sum();
            figures.RequestsByPath.Add(new($"{Scenario}, back to back", spec.Name, requests));
            EndToEndBenchmark.Log($"{Scenario}, {options.AuditGathers} gathers after {options.Warmup}: {spec.Name,-17} {calls[c]:0.###} Docker API calls per gather; requests per gather: {string.Join(", ", requests.Select(pair => $"{pair.Key} {pair.Value:0.###}"))}");
        }

        figures.HostDockerCalls.Add(calls[0], calls[1], go: calls[2]);
        figures.HostRequests.Add(totals[0], totals[1], go: totals[2]);
    }

    /// <summary>One paced run: the three clients started and warmed up, then ticks in which each gathers once, the order turning.</summary>
    public int Paced(int run, FigureSet figures, CpuMeter meter, EndToEndOptions options, CancellationToken stop)
    {
        var participants = new List<CadenceScenario.Participant>();
        try
        {
            participants.AddRange(Clients.Select(spec => new CadenceScenario.Participant(ClientProcess.Start(spec, stop), null)));
            participants.ForEach(participant => participant.Process.Gather(options.Warmup, stop));
            CadenceResult[] results = CadenceScenario.Paced(participants, options.PacedFew, options.PacedGathers, options.PacedInterval, meter, stop);
            participants.ForEach(participant => participant.Process.Stop());
            figures.HostPacedCpu.Add(results[0].CpuMicroseconds, results[1].CpuMicroseconds, go: results[2].CpuMicroseconds);
            figures.HostPacedSwitches.Add(results[0].ContextSwitches, results[1].ContextSwitches, go: results[2].ContextSwitches);
            foreach (CadenceResult result in results)
            {
                EndToEndBenchmark.Log($"run {run}/{options.Runs}, {Scenario}, paced {options.PacedInterval.TotalMilliseconds:0} ms: {result.Client,-17} CPU {result.CpuMicroseconds,7:0.0} µs/gather (schedstat {result.SchedstatCpuMicroseconds:0.0}), {result.ContextSwitches:0.00} cs/gather, wall {result.WallMicroseconds:0} µs");
            }

            return results.Length;
        }
        finally
        {
            participants.ForEach(participant => participant.Process.Dispose());
        }
    }

    /// <summary>One back-to-back run: each client alone, started, warmed up, a short and a long window; the order turns each run.</summary>
    public int BackToBack(int run, FigureSet figures, CpuMeter meter, EndToEndOptions options, CancellationToken stop)
    {
        var results = new CadenceResult[Clients.Length];
        foreach (int i in Enumerable.Range(0, Clients.Length).Select(i => (i + run) % Clients.Length))
        {
            using ClientProcess client = ClientProcess.Start(Clients[i], stop);
            client.Gather(options.Warmup, stop);
            results[i] = CadenceScenario.BackToBack(new(client, null), options.HostBackToBackFew, options.HostBackToBackGathers, meter, stop);
            client.Stop();
            EndToEndBenchmark.Log($"run {run}/{options.Runs}, {Scenario}, back to back: {results[i].Client,-17} CPU {results[i].CpuMicroseconds,7:0.0} µs/gather (schedstat {results[i].SchedstatCpuMicroseconds:0.0}), {results[i].ContextSwitches:0.00} cs/gather, wall {results[i].WallMicroseconds:0} µs");
        }

        figures.HostBackToBackCpu.Add(results[0].CpuMicroseconds, results[1].CpuMicroseconds, go: results[2].CpuMicroseconds);
        figures.HostBackToBackSwitches.Add(results[0].ContextSwitches, results[1].ContextSwitches, go: results[2].ContextSwitches);
        return results.Length;
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    /// <summary>
    /// The points the plugin writes per gather of this host, counted in the payloads: the JVB's jitsi_stats, Jicofo's
    /// jicofo_stats, one point per bridge, Jibri and Jigasi of Jicofo's /debug, and Prosody's samples as Telegraf writes them.
    /// </summary>
    private static int PluginLines() => 2 + DockerJitsiMeet.JicofoFleetPointCount() + File.ReadLines(TestData.PathOf("prosody", ProsodyGolden)).Count();

    /// <summary>
    /// Proof that the plugin measured real work: its batch holds each component's points, as many of each measurement
    /// as the payloads give, tagged with the container they came from.
    /// </summary>
    private static void CheckPluginBatch(IReadOnlyList<string> batch)
    {
        (int bridges, int jibris, int jigasis) = DockerJitsiMeet.JicofoFleetPoints();
        var expected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["jitsi_stats"] = 1,
            ["jicofo_stats"] = 1,
            ["jicofo_bridge"] = bridges,
            ["jicofo_jibri"] = jibris,
            ["jicofo_jigasi"] = jigasis,
        };
        foreach (string measurement in File.ReadLines(TestData.PathOf("prosody", ProsodyGolden)).Select(Measurement))
        {
            expected[measurement] = expected.GetValueOrDefault(measurement) + 1;
        }

        var seen = batch.GroupBy(Measurement, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        string[] wrong = [.. expected.Keys.Union(seen.Keys)
            .Where(measurement => expected.GetValueOrDefault(measurement) != seen.GetValueOrDefault(measurement))
            .Select(measurement => $"{measurement}: {seen.GetValueOrDefault(measurement)} point(s), the payloads give {expected.GetValueOrDefault(measurement)}")];
        string[] untagged = [.. batch.Where(line => !Components.Any(component => line.Contains($"container_name={component.Container}", StringComparison.Ordinal)))];
        if (wrong.Length > 0 || untagged.Length > 0 || expected.Values.Any(count => count == 0))
        {
            throw new InvalidOperationException($"the plugin's batch for the {Scenario} is not the host's points: {string.Join("; ", wrong)}{(untagged.Length > 0 ? $"; without a container_name of the host: {untagged[0]}" : "")}");
        }

        EndToEndBenchmark.Log($"{Scenario}: the plugin's batch holds {string.Join(", ", expected.Where(pair => !pair.Key.StartsWith("prosody_", StringComparison.Ordinal)).Select(pair => $"{pair.Value} {pair.Key}"))} and {expected.Where(pair => pair.Key.StartsWith("prosody_", StringComparison.Ordinal)).Sum(pair => pair.Value)} prosody_* points, as the payloads give");
    }

    private static string Measurement(string line) => line[..line.IndexOfAny([',', ' '])];
}
