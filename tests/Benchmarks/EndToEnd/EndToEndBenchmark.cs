using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using ExecdJvb.Tests;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The end-to-end benchmark: the published plugin, the C floor, the Python scraper and the Go scraper (all three
/// shipped as sources in floor/), each one long-lived process driven through stdin exactly as Telegraf's
/// inputs.execd drives a plugin, measured side by side in one run against busybox httpd JVBs on 127.0.0.1 and, for
/// discovery, a private dockerd with one JVB container, and another with a whole docker-jitsi-meet host
/// (<see cref="HostScenario"/>). One table of min/median/max over the runs with the ratios to the floor, to Python
/// and to Go.
/// It reports; it fails only when something broke (a client wrote nothing, crashed, or a server or dockerd did
/// not start), never on a missed target.
/// </summary>
internal static partial class EndToEndBenchmark
{
    private const string Fixture = "colibri-stats-2.3.168-stable-9779";
    private const string Container = "docker-jitsi-meet-jvb-1";
    private const double MB = 1_000_000;

    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(EndToEndOptions.Usage);
            return 0;
        }

        EndToEndOptions options;
        try
        {
            options = EndToEndOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"e2e: {ex.Message}\n{EndToEndOptions.Usage}");
            return 2;
        }

        // Ctrl-C or SIGTERM ends the run through the same disposals as a failure does: every client process,
        // perf, busybox httpd, container and the dockerd are stopped before the exit.
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            RunAsync(options, stop.Token).GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("e2e: interrupted; what it started is stopped");
            return 130;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"e2e: FAILED: {ex.Message}");
            return 1;
        }
    }

    private static async Task RunAsync(EndToEndOptions options, CancellationToken stop)
    {
        var took = Stopwatch.StartNew();
        string binary = Path.GetFullPath(options.Binary);
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"no binary at {binary}; make it with: dotnet pwsh ./build.ps1 publish");
        }

        Directory.CreateDirectory(options.OutDir);
        string scratch = Directory.CreateTempSubdirectory("e2e-").FullName;
        var servers = new List<BusyboxHttpd>();
        var hung = new List<JvbHttpServer>();
        try
        {
            string python = FloorSources.Python();
            var clients = new Clients(binary, FloorSources.CompileC(options.OutDir), python, FloorSources.CompileGo(options.OutDir));
            string why = "--cpu schedstat";
            bool perf = !options.SchedstatOnly && CpuMeter.PerfWorks(scratch, out why);
            var meter = new CpuMeter(perf, scratch);
            Log($"{(options.Quick ? "quick" : "full")} mode, {options.Runs} run(s) of {string.Join(", ", EndToEndOptions.ScenarioNames.Where(options.Includes))}; plugin {binary}; C floor and Go scraper built into {Path.GetFullPath(options.OutDir)}; {python}; CPU by {(perf ? "perf stat" : $"schedstat ({why})")}");

            var figures = new FigureSet(options);
            figures.BinarySize.Add(new FileInfo(binary).Length / MB);

            // The JVB stand-ins: a server of its own per client for the cadence windows, so each client's requests
            // are counted (-vv), and quiet ones for the rest: starts, RSS and the many-JVB gather.
            string site = BusyboxHttpd.MakeSite(Path.Combine(scratch, "www"), TestData.Bytes("jvb", Fixture + ".json"));
            BusyboxHttpd Serve(bool count)
            {
                BusyboxHttpd server = BusyboxHttpd.Start(site, count);
                servers.Add(server);
                return server;
            }

            BusyboxHttpd[] counted = options.Includes("cadence") ? [Serve(true), Serve(true), Serve(true), Serve(true)] : [];
            int answeringInOutage = OutageScenario.Jvbs - OutageScenario.Hung.Min();
            int quietCount = options.Includes("scale") || options.Includes("outage") ? Math.Max(options.Jvbs, answeringInOutage) : 1;
            string[] quiet = [.. Enumerable.Range(0, quietCount).Select(_ => Serve(false).StatsUrl)];
            ClientSpec[] statics = counted.Length > 0 ? clients.Static(counted[0].StatsUrl, counted[1].StatsUrl, counted[2].StatsUrl, counted[3].StatsUrl) : [];
            ClientSpec[] quietStatics = [clients.Plugin([quiet[0]]), clients.Floor([quiet[0]]), clients.Python([quiet[0]])];
            string[] many = quiet[..Math.Min(options.Jvbs, quiet.Length)];
            ClientSpec[] scaled = [clients.Plugin(many), clients.Floor(many), clients.Python(many)];

            // JVBs that accept and never answer, for the outage cases; the others there are quiet busybox JVBs.
            for (int i = 0; options.Includes("outage") && i < OutageScenario.Hung.Max(); i++)
            {
                hung.Add(new JvbHttpServer(StubResponse.Json("{}") with { Delay = TimeSpan.FromHours(1) }));
            }

            ClientSpec[] outages = !options.Includes("outage") ? [] :
            [
                .. OutageScenario.Hung.Select(count => clients.PluginWithHung(
                    OutageScenario.Urls(quiet, [.. hung.Select(server => server.StatsUrl)], count), OutageScenario.Jvbs - count, OutageScenario.Timeout)),
            ];
            Log($"busybox httpd JVBs up on 127.0.0.1, each serving {Fixture}.json at /colibri/stats: {counted.Length} counting requests (one per client), {quiet.Length} quiet");

            // Discovery: a private dockerd (--debug, so it logs every API call it serves) with one JVB container in
            // host network mode, labelled as docker-jitsi-meet's, its busybox httpd logging each request path.
            await using DockerEngine? engine = options.Includes("cadence") ? await DockerEngine.StartAsync("--debug") : null;
            ClientSpec? pluginDocker = null;
            ClientSpec? floorDocker = null;
            string dockerVersion = "";
            if (engine is not null)
            {
                int dockerJvbPort = FreePort.Next();
                string container = await engine.RunLoggingJvbAsync(
                    Container, dockerJvbPort, Fixture,
                    "--label", "com.docker.compose.project=docker-jitsi-meet", "--label", "com.docker.compose.service=jvb", "--stop-timeout", "1");
                pluginDocker = clients.PluginDocker(engine.Endpoint, Container);
                string listTarget = await ListRequestOfAsync(engine, pluginDocker, stop);
                floorDocker = clients.FloorDocker(engine.SocketPath, listTarget, Container);
                Log($"private dockerd at {engine.Endpoint}, JVB container {Container} on 127.0.0.1:{dockerJvbPort}; the plugin lists with GET {listTarget}, the C floor sends the same");
                dockerVersion = await engine.DockerAsync("version", "--format", "{{.Server.Version}}");
                await AuditDiscoveryAsync(engine, container, pluginDocker, floorDocker, figures, options, stop);
            }

            // The whole host: a dockerd of its own, as its JVB bears the same name as the discovery scenario's.
            await using HostScenario? host = options.Includes("host") ? await HostScenario.StartAsync(clients, stop) : null;
            if (host is not null)
            {
                dockerVersion = await host.Engine.DockerAsync("version", "--format", "{{.Server.Version}}");
                await host.AuditAsync(figures, options, stop);
            }

            MachineInfo machine = MachineInfo.Collect(binary, dockerVersion.Length > 0 ? dockerVersion : "not started", python);
            for (int run = 1; run <= options.Runs; run++)
            {
                stop.ThrowIfCancellationRequested();
                if (pluginDocker is not null && floorDocker is not null)
                {
                    await OnOwnThread(() => Paced(run, statics, counted, pluginDocker, floorDocker, figures, meter, options, stop));
                    await OnOwnThread(() => BackToBack(run, statics, counted, figures, meter, options, stop));
                }

                if (host is not null)
                {
                    await OnOwnThread(() => host.Paced(run, figures, meter, options, stop));
                    await OnOwnThread(() => host.BackToBack(run, figures, meter, options, stop));
                }

                if (options.Includes("starts"))
                {
                    await OnOwnThread(() => Starts(run, quietStatics, figures, options, stop));
                }

                if (options.Includes("scale"))
                {
                    double[] scale = await OnOwnThread(() => ScaleScenario.MedianMilliseconds(scaled, warmup: 3, options.ScaleGathers, stop));
                    figures.Scale.Add(scale[0], scale[1], scale[2]);
                    Log($"run {run}/{options.Runs}: {options.Jvbs} JVBs in one gather, median wall: plugin {scale[0]:0.0} ms, C floor {scale[1]:0.0} ms, Python {scale[2]:0.0} ms");
                }

                for (int c = 0; c < outages.Length; c++)
                {
                    ClientSpec outage = outages[c];
                    double[] seconds = await OnOwnThread(() => OutageScenario.GatherSeconds(outage, OutageScenario.Gathers, stop));
                    figures.Outage[c].Add(seconds.Max());
                    figures.OutageGathers[c].Add(seconds);
                    Log($"run {run}/{options.Runs}: {OutageScenario.Hung[c]} of {OutageScenario.Jvbs} JVBs hung, timeout {OutageScenario.Timeout}: plugin gathers {string.Join(", ", seconds.Select(s => $"{s:0.00} s"))}");
                }
            }

            if (options.Includes("rss"))
            {
                long[] rss = await OnOwnThread(() => RssScenario.ResidentBytes(quietStatics[0], options.RssGathers, stop));
                figures.RssAtCheckpoint.Add(rss[0] / MB);
                figures.Rss.Add(rss[^1] / MB);
                figures.RssSeries.AddRange(rss.Select(bytes => bytes / MB));
                Log($"plugin RSS every {options.RssCheckpoint:N0} gathers back to back: {string.Join(", ", rss.Select(bytes => $"{bytes / MB:0.00}"))} MB");
            }

            string report = ResultTable.Render(figures, machine, options, meter.Method, MachineInfo.LoadAverage(), took.Elapsed);
            Console.WriteLine();
            Console.WriteLine(report);
            string written = Path.Combine(options.OutDir, "e2e.md");
            await File.WriteAllTextAsync(written, report, stop);
            Log($"written to {Path.GetFullPath(written)}");
        }
        finally
        {
            servers.ForEach(server => server.Dispose());
            foreach (JvbHttpServer server in hung)
            {
                await server.DisposeAsync();
            }

            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// One paced run: all six clients (four on static URLs, two through Docker) started and warmed up, then ticks
    /// at the interval in which each client gathers once, one after the other, for a short and a long window.
    /// </summary>
    private static int Paced(int run, ClientSpec[] statics, BusyboxHttpd[] counted, ClientSpec pluginDocker, ClientSpec floorDocker, FigureSet figures, CpuMeter meter, EndToEndOptions options, CancellationToken stop)
    {
        var participants = new List<CadenceScenario.Participant>();
        try
        {
            for (int i = 0; i < statics.Length; i++)
            {
                participants.Add(new(ClientProcess.Start(statics[i], stop), counted[i]));
            }

            participants.Add(new(ClientProcess.Start(pluginDocker, stop), null));
            participants.Add(new(ClientProcess.Start(floorDocker, stop), null));
            participants.ForEach(participant => participant.Process.Gather(options.Warmup, stop));
            CadenceResult[] results = CadenceScenario.Paced(participants, options.PacedFew, options.PacedGathers, options.PacedInterval, meter, stop);
            participants.ForEach(participant => participant.Process.Stop());

            (CadenceResult plugin, CadenceResult floor, CadenceResult python, CadenceResult go, CadenceResult docker, CadenceResult floorDockerResult) = (results[0], results[1], results[2], results[3], results[4], results[5]);
            figures.PacedCpu.Add(plugin.CpuMicroseconds, floor.CpuMicroseconds, python.CpuMicroseconds, go.CpuMicroseconds);
            figures.PacedSwitches.Add(plugin.ContextSwitches, floor.ContextSwitches, python.ContextSwitches, go.ContextSwitches);
            figures.PacedRequests.Add(plugin.Requests, floor.Requests, python.Requests, go.Requests);
            figures.DockerCpu.Add(docker.CpuMicroseconds, floorDockerResult.CpuMicroseconds);
            figures.DockerSwitches.Add(docker.ContextSwitches, floorDockerResult.ContextSwitches);
            figures.Saw($"static URL, {options.PacedInterval.TotalSeconds:0.###} s apart", plugin, floor, python, go);
            foreach (CadenceResult result in results)
            {
                Log($"run {run}/{options.Runs}, paced {options.PacedInterval.TotalMilliseconds:0} ms: {result.Client,-17} CPU {result.CpuMicroseconds,7:0.0} µs/gather (schedstat {result.SchedstatCpuMicroseconds:0.0}), {result.ContextSwitches:0.00} cs/gather, wall {result.WallMicroseconds:0} µs; requests per gather: {result.RequestsText}");
            }

            return results.Length;
        }
        finally
        {
            participants.ForEach(participant => participant.Process.Dispose());
        }
    }

    /// <summary>One back-to-back run: each static client alone, started, warmed up, a short and a long window; the order turns each run.</summary>
    private static int BackToBack(int run, ClientSpec[] statics, BusyboxHttpd[] counted, FigureSet figures, CpuMeter meter, EndToEndOptions options, CancellationToken stop)
    {
        var results = new CadenceResult[statics.Length];
        foreach (int i in Rotated(statics.Length, run))
        {
            using ClientProcess client = ClientProcess.Start(statics[i], stop);
            client.Gather(options.Warmup, stop);
            results[i] = CadenceScenario.BackToBack(new(client, counted[i]), options.BackToBackFew, options.BackToBackGathers, meter, stop);
            client.Stop();
            Log($"run {run}/{options.Runs}, back to back: {results[i].Client,-17} CPU {results[i].CpuMicroseconds,7:0.0} µs/gather (schedstat {results[i].SchedstatCpuMicroseconds:0.0}), {results[i].ContextSwitches:0.00} cs/gather, wall {results[i].WallMicroseconds:0} µs; requests per gather: {results[i].RequestsText}");
        }

        figures.BackToBackCpu.Add(results[0].CpuMicroseconds, results[1].CpuMicroseconds, results[2].CpuMicroseconds, results[3].CpuMicroseconds);
        figures.BackToBackSwitches.Add(results[0].ContextSwitches, results[1].ContextSwitches, results[2].ContextSwitches, results[3].ContextSwitches);
        figures.BackToBackWall.Add(results[0].WallMicroseconds, results[1].WallMicroseconds, results[2].WallMicroseconds, results[3].WallMicroseconds);
        figures.StaticRequests.Add(results[0].Requests, results[1].Requests, results[2].Requests, results[3].Requests);
        figures.Saw("static URL, back to back", results);
        return results.Length;
    }

    /// <summary>Starts of the three clients, interleaved; each client's median of the run.</summary>
    private static int Starts(int run, ClientSpec[] specs, FigureSet figures, EndToEndOptions options, CancellationToken stop)
    {
        var times = specs.Select(_ => new List<double>()).ToArray();
        for (int start = 0; start < options.Starts; start++)
        {
            foreach (int i in Rotated(specs.Length, start))
            {
                times[i].Add(StartupScenario.StartToFirstBatchMilliseconds(specs[i], stop));
            }
        }

        double[] medians = [.. times.Select(Percentile.Median)];
        figures.Start.Add(medians[0], medians[1], medians[2]);
        Log($"run {run}/{options.Runs}: start → first batch, median of {options.Starts}: plugin {medians[0]:0.0} ms, C floor {medians[1]:0.0} ms, Python {medians[2]:0.0} ms");
        return specs.Length;
    }

    /// <summary>
    /// The requests each discovery client makes per steady-state gather, alone, after its warm-up: Docker API calls
    /// from dockerd's debug log, JVB requests from the container's busybox httpd log.
    /// </summary>
    private static async Task AuditDiscoveryAsync(DockerEngine engine, string container, ClientSpec plugin, ClientSpec floor, FigureSet figures, EndToEndOptions options, CancellationToken stop)
    {
        var results = new List<(double Calls, IReadOnlyDictionary<string, double> Requests)>();
        foreach (ClientSpec spec in new[] { plugin, floor })
        {
            using ClientProcess client = ClientProcess.Start(spec, stop);
            await OnOwnThread(() => { client.Gather(options.Warmup, stop); return 0; });
            IReadOnlyList<string> pathsBefore = await engine.RequestedPathsAsync(container);
            int callsBefore = await SettledDockerCallsAsync(engine);
            await OnOwnThread(() => { client.Gather(options.AuditGathers, stop); return 0; });
            int callsAfter = await SettledDockerCallsAsync(engine);
            IReadOnlyList<string> pathsAfter = await engine.RequestedPathsAsync(container);
            client.Stop();

            var requests = pathsAfter.Skip(pathsBefore.Count)
                .GroupBy(path => path, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => (double)group.Count() / options.AuditGathers, StringComparer.Ordinal);
            double calls = (double)(callsAfter - callsBefore) / options.AuditGathers;
            results.Add((calls, requests));
            Log($"discovery, {options.AuditGathers} gathers after {options.Warmup}: {spec.Name,-17} {calls:0.###} Docker API calls per gather; JVB requests per gather: {string.Join(", ", requests.Select(pair => $"{pair.Key} {pair.Value:0.###}"))}");
        }

        figures.DockerCalls.Add(results[0].Calls, results[1].Calls);
        figures.DockerRequests.Add(results[0].Requests.Values.Sum(), results[1].Requests.Values.Sum());
        figures.RequestsByPath.Add(new("Docker discovery, back to back", plugin.Name, results[0].Requests));
        figures.RequestsByPath.Add(new("Docker discovery, back to back", floor.Name, results[1].Requests));
    }

    /// <summary>The list request the plugin really makes (API version prefix and filter encoding included), read off dockerd's debug log.</summary>
    internal static async Task<string> ListRequestOfAsync(DockerEngine engine, ClientSpec plugin, CancellationToken stop)
    {
        using (ClientProcess client = ClientProcess.Start(plugin, stop))
        {
            await OnOwnThread(() => { client.Gather(); client.CheckLastBatch(); client.Stop(); return 0; });
        }

        for (int attempt = 0; attempt < 50; attempt++)
        {
            string? target = DockerCalls(engine).Select(call => call.Target).LastOrDefault(target => target.Split('?')[0].EndsWith("/containers/json", StringComparison.Ordinal));
            if (target is not null)
            {
                return target;
            }

            await Task.Delay(100, stop);
        }

        throw new InvalidOperationException($"the plugin wrote a batch, but dockerd's log ({Path.Combine(engine.Folder, "dockerd.log")}) shows no list call");
    }

    /// <summary>
    /// The count of calls a discovery client makes (lists, and inspects by container ID) in dockerd's log, once the
    /// log is unchanged for 300 ms; the harness's own docker CLI calls (by container name, _ping, logs) are left out.
    /// </summary>
    internal static async Task<int> SettledDockerCallsAsync(DockerEngine engine)
    {
        int last = -1;
        for (int attempt = 0; attempt < 30; attempt++)
        {
            int now = DockerCalls(engine).Count(call => DiscoveryCall().IsMatch(call.Target));
            if (now == last)
            {
                return now;
            }

            last = now;
            await Task.Delay(300);
        }

        return last;
    }

    private static List<(string Method, string Target)> DockerCalls(DockerEngine engine)
    {
        string log;
        using (var file = new FileStream(Path.Combine(engine.Folder, "dockerd.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(file))
        {
            log = reader.ReadToEnd();
        }

        return [.. DockerdCall().Matches(log).Select(match => (match.Groups[1].Value, match.Groups[2].Value))];
    }

    [GeneratedRegex(@"msg=""Calling (\w+) ([^""\s]+)""")]
    private static partial Regex DockerdCall();

    [GeneratedRegex("^(/v[0-9.]+)?/containers/(json|[0-9a-f]{64}/json)(\\?.*)?$")]
    private static partial Regex DiscoveryCall();

    /// <summary>0..count-1 starting at <paramref name="turn"/> mod count, so no client is always first.</summary>
    private static IEnumerable<int> Rotated(int count, int turn) => Enumerable.Range(0, count).Select(i => (i + turn) % count);

    /// <summary>
    /// Runs blocking measurement code on a thread of its own, off the thread pool that the harness's async pumps
    /// (stderr of the clients, logs of the servers, dockerd's log) run on.
    /// </summary>
    internal static Task<T> OnOwnThread<T>(Func<T> measure) =>
        Task.Factory.StartNew(measure, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    internal static void Log(string message) =>
        Console.WriteLine("e2e: " + message);
}
