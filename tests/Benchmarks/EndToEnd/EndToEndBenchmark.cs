using System.Diagnostics;
using System.Runtime.InteropServices;
using ExecdJvb.Tests;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The end-to-end benchmark of issue 6: the published binary driven through stdin exactly as Telegraf's
/// inputs.execd drives it, against a private dockerd whose JVB containers are labelled like
/// docker-jitsi-meet's, each figure beside its floor measured in the same process at the same moment, and
/// one table of min/median/max over repeated runs. It reports; it fails only when something broke (the
/// plugin wrote nothing, crashed, or a server or dockerd did not start).
/// </summary>
internal static class EndToEndBenchmark
{
    private const string Fixture = "colibri-stats-2.3.168-stable-9779";
    private const string StatsPath = "/colibri/stats";
    private const string SingleJvb = "docker-jitsi-meet-jvb-1";
    private const double MiB = 1024 * 1024;

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

        // Ctrl-C or SIGTERM ends the run through the same disposals as a failure does: every plugin
        // process, server, proxy, container and the dockerd are stopped before the exit.
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
        string binary = Existing(options.Binary, "dotnet pwsh ./build.ps1 publish");
        string? jit = options.JitBinary is { } given
            ? Existing(given, "dotnet publish plugin -c Release -r linux-x64 --self-contained false -p:PublishAot=false -o <dir>")
            : null;
        var figures = new FigureSet(options);
        Log($"{(options.Quick ? "quick" : "full")} mode, {options.Runs} run(s); binary {binary}{(jit is null ? "; no JIT build given" : $", JIT build {jit}")}");

        await using DockerEngine engine = await DockerEngine.StartAsync();
        Log($"private dockerd up at {engine.Endpoint}");
        byte[] fixture = TestData.Bytes("jvb", Fixture + ".json");
        await using var server = new JvbHttpServer(StubResponse.Json(fixture));
        MachineInfo machine = MachineInfo.Collect(binary, await engine.DockerAsync("version", "--format", "{{.Server.Version}}"));

        // Part 1, one JVB: a docker-jitsi-meet-like container in host network mode whose execd-jvb.port label
        // points at the in-process kept-alive server, so plugin and floor read the very same server. (Busybox
        // as PID 1 ignores SIGTERM: a short stop timeout keeps an interrupted run's dockerd shutdown short.)
        string single = await engine.RunAsync(
            "--name", SingleJvb, "--network", "host", "--stop-timeout", "1",
            "--label", "com.docker.compose.project=docker-jitsi-meet", "--label", "com.docker.compose.service=jvb",
            "--label", $"execd-jvb.port={server.Port}",
            DockerEngine.JvbImage, "/bin/busybox", "sleep", "1000000");
        string singlePrefix = $"jitsi_stats,container_name={SingleJvb} ";
        string listTarget = await ListRequestOfAsync(engine, binary, singlePrefix, stop);
        Log($"the plugin lists containers with GET {listTarget}; the floor sends the same");

        figures.BinarySize.Add(new FileInfo(binary).Length / MiB);
        if (jit is null)
        {
            foreach (Figure figure in new[] { figures.JitStart, figures.StartRatio, figures.JitRss, figures.RssRatio })
            {
                figure.NotMeasured = "not measured (no --jit-binary)";
            }
        }

        string[] pluginArgs = ["--endpoint", engine.Endpoint];
        using (var floor = new FloorClient(engine.SocketPath, listTarget, [server.Port], StatsPath))
        {
            await OnOwnThread(() => CheckFloor(floor, fixture.Length));
            for (int run = 1; run <= options.Runs; run++)
            {
                SingleJvbResult result = await OnOwnThread(() => SingleJvbScenario.Run(binary, engine.Endpoint, floor, singlePrefix, options, stop));
                figures.LatencyP50.Add(Percentile.Of(result.LatencyMicroseconds, 50), Percentile.Of(result.FloorMicroseconds, 50));
                figures.LatencyP99.Add(Percentile.Of(result.LatencyMicroseconds, 99), Percentile.Of(result.FloorMicroseconds, 99));
                figures.Cpu.Add(result.CpuPerGather.TotalMilliseconds, result.FloorCpuPerGather.TotalMilliseconds);
                figures.Rss.Add(result.FinalRssBytes / MiB);
                figures.RssGrowth.Add((result.FinalRssBytes - result.WarmRssBytes) / MiB);
                figures.AotRssAtWarmup.Add(result.WarmRssBytes / MiB);

                // Starts of both builds alternate, so both meet the same noise.
                var aotStarts = new List<double>();
                var jitStarts = new List<double>();
                await OnOwnThread(() =>
                {
                    for (int start = 0; start < options.Starts; start++)
                    {
                        stop.ThrowIfCancellationRequested();
                        if (jit is not null && start % 2 == 1)
                        {
                            jitStarts.Add(StartupScenario.StartToFirstBatchMilliseconds(jit, pluginArgs, singlePrefix, stop));
                        }

                        aotStarts.Add(StartupScenario.StartToFirstBatchMilliseconds(binary, pluginArgs, singlePrefix, stop));
                        if (jit is not null && start % 2 == 0)
                        {
                            jitStarts.Add(StartupScenario.StartToFirstBatchMilliseconds(jit, pluginArgs, singlePrefix, stop));
                        }
                    }

                    return aotStarts.Count;
                });

                double aotStart = Percentile.Median(aotStarts);
                figures.Start.Add(aotStart);
                string jitSummary = "";
                if (jit is not null)
                {
                    double jitStart = Percentile.Median(jitStarts);
                    long jitRss = await OnOwnThread(() => StartupScenario.ResidentBytesAfter(jit, pluginArgs, singlePrefix, options.Warmup, stop));
                    figures.JitStart.Add(jitStart);
                    figures.StartRatio.Add(jitStart / aotStart);
                    figures.JitRss.Add(jitRss / MiB);
                    figures.RssRatio.Add((double)jitRss / result.WarmRssBytes);
                    jitSummary = $"; JIT start {jitStart:0.0} ms, RSS {jitRss / MiB:0.0} MiB";
                }

                Log($"run {run}/{options.Runs}, 1 JVB: p50 {figures.LatencyP50.Values[^1]:0} µs (floor {figures.LatencyP50.Floors[^1]:0} µs), " +
                    $"CPU {result.CpuPerGather.TotalMilliseconds:0.000} ms/gather, RSS {result.WarmRssBytes / MiB:0.0} → {result.FinalRssBytes / MiB:0.0} MiB, start {aotStart:0.0} ms{jitSummary}");
            }
        }

        // Part 2, many JVBs: busybox httpd containers in host network mode, each on its own loopback port.
        await engine.DockerAsync("rm", "-f", single);
        int[] ports = DistinctPorts(options.Containers);
        var starting = Stopwatch.StartNew();
        await StartJvbContainersAsync(engine, ports, stop);
        Log($"{ports.Length} JVB containers up in {starting.Elapsed.TotalSeconds:0} s");
        await using var proxy = new DockerApiProxy(Path.Combine(engine.Folder, "p.sock"), engine.SocketPath);
        using (var floor = new FloorClient(engine.SocketPath, listTarget, ports, StatsPath))
        {
            await OnOwnThread(() => CheckFloor(floor, (long)fixture.Length * ports.Length));
            for (int run = 1; run <= options.Runs; run++)
            {
                ScaleResult result = await OnOwnThread(() => ScaleScenario.Run(binary, engine.Endpoint, proxy, floor, ports.Length, "jitsi_stats,container_name=docker-jitsi-meet-jvb-", options, stop));
                figures.ScaleP50.Add(Percentile.Of(result.GatherMilliseconds, 50), Percentile.Of(result.FloorMilliseconds, 50));
                figures.ScaleP99.Add(Percentile.Of(result.GatherMilliseconds, 99), Percentile.Of(result.FloorMilliseconds, 99));
                figures.DockerCalls.Add(result.CallsPerGather);
                Log($"run {run}/{options.Runs}, {ports.Length} JVBs: p50 {figures.ScaleP50.Values[^1]:0.0} ms (floor {figures.ScaleP50.Floors[^1]:0.0} ms), {result.CallsPerGather:0.##} Docker calls/gather");
            }
        }

        string report = ResultTable.Render(figures.All, machine, options, MachineInfo.LoadAverage(), took.Elapsed);
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(options.OutDir);
        string written = Path.Combine(options.OutDir, "e2e.md");
        await File.WriteAllTextAsync(written, report, stop);
        Log($"written to {Path.GetFullPath(written)}");
    }

    /// <summary>
    /// The list request the plugin really makes (API version prefix and filter encoding included), read off a
    /// recording proxy during one gather, so the floor sends exactly the same one.
    /// </summary>
    private static async Task<string> ListRequestOfAsync(DockerEngine engine, string binary, string linePrefix, CancellationToken stop)
    {
        await using var proxy = new DockerApiProxy(Path.Combine(engine.Folder, "probe.sock"), engine.SocketPath);
        await OnOwnThread(() =>
        {
            using PluginProcess plugin = PluginProcess.Start(binary, ["--endpoint", proxy.Endpoint], stop);
            plugin.Trigger();
            plugin.CheckBatch(plugin.ReadBatch(1, TimeSpan.FromSeconds(30)), linePrefix);
            plugin.Stop(TimeSpan.FromSeconds(10));
            return plugin.Id;
        });

        return proxy.Calls.Select(call => call.Target).FirstOrDefault(target => target.Split('?')[0].EndsWith("/containers/json", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the plugin wrote a batch without listing containers; it called: {string.Join(", ", proxy.Calls.Select(call => call.Target))}");
    }

    private static async Task StartJvbContainersAsync(DockerEngine engine, int[] ports, CancellationToken stop)
    {
        // A few at a time: dockerd copies the image for each container (vfs), and the machine has few cores.
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(ports.Select(async (port, index) =>
        {
            await slots.WaitAsync(stop);
            try
            {
                await engine.RunJvbAsync(
                    $"docker-jitsi-meet-jvb-{index + 1}", port, Fixture, DockerEngine.JvbImage,
                    "--label", "com.docker.compose.project=docker-jitsi-meet", "--label", "com.docker.compose.service=jvb", "--stop-timeout", "1");
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>
    /// Runs blocking measurement code on a thread of its own: the JVB server and the Docker API proxy run in
    /// this process on the thread pool, which must not lose a thread to a loop that blocks for minutes.
    /// </summary>
    private static Task<T> OnOwnThread<T>(Func<T> measure) =>
        Task.Factory.StartNew(measure, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static int[] DistinctPorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(FreePort.Next());
        }

        return [.. ports];
    }

    /// <summary>The floor must read every stats byte, or its time would flatter it.</summary>
    private static long CheckFloor(FloorClient floor, long expectedBytes)
    {
        for (int i = 0; i < 3; i++)
        {
            long read = floor.Gather();
            if (read != expectedBytes)
            {
                throw new InvalidOperationException($"the floor client read {read} stats bytes, expected {expectedBytes}");
            }
        }

        return expectedBytes;
    }

    private static string Existing(string path, string howToMake)
    {
        string full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new InvalidOperationException($"no binary at {full}; make it with: {howToMake}");
    }

    private static void Log(string message) =>
        Console.WriteLine("e2e: " + message);
}
