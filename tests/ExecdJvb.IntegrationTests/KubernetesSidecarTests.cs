using System.Formats.Tar;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// plugin/kubernetes: the Dockerfile built on a private dockerd, with no network, against a stand-in for the official
/// telegraf image (the host's glibc files the published binary loads, busybox, and the image's telegraf user and group),
/// and the sidecar's command line taken from jvb-telegraf-sidecar.yaml. In the pod the JVB is on 127.0.0.1:8080, so the
/// stand-in JVB is there too: these tests own that port and run alone. No cluster, no registry, and the real telegraf
/// image is never pulled.
/// </summary>
[Collection(LoopbackCollection.Name)]
public sealed class KubernetesSidecarTests
{
    private const int JvbPort = 8080;
    private const string BaseImage = "telegraf:1.32";
    private const string BuiltImage = "example.org/telegraf-execd-jvb:test";
    private const string Fixture = "colibri-stats-2.3.168-stable-9779";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly string Shipped = Path.Combine(RepositoryPaths.Root, "plugin", "kubernetes");

    [Fact]
    public async Task The_Dockerfile_built_on_a_stand_in_telegraf_image_holds_the_plugin_and_its_configuration_which_read_the_JVB_on_127_0_0_1_8080()
    {
        await using JvbHttpServer jvb = StartJvbOnItsPodPort();
        await using DockerEngine docker = await DockerEngine.StartAsync();
        await ImportStandInTelegrafImageAsync(docker);

        // The build context: the shipped folder with the linux binary put next to its Dockerfile.
        string context = Path.Combine(docker.Folder, "context");
        Directory.CreateDirectory(context);
        foreach (string file in new[] { "Dockerfile", "execd-jvb.json", "execd-jvb.conf" })
        {
            File.Copy(Path.Combine(Shipped, file), Path.Combine(context, file));
        }

        File.Copy(PublishedBinary.Path, Path.Combine(context, "execd-jvb"));

        // Modes a umask of 077 leaves: the image's modes must come from the Dockerfile, not from the context.
        foreach (string file in Directory.GetFiles(context))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        string version = (await ExecdProcess.RunAsync(PublishedBinary.Path, ["--version"], CommandTimeout)).Stdout.Trim();
        Assert.StartsWith("execd-jvb ", version, StringComparison.Ordinal);

        // The legacy builder, as no buildx is at hand; RUN steps get no network.
        (int buildExit, string buildOut, string buildErr) = await DockerCliAsync(docker, ["build", "--network", "none", "-t", BuiltImage, context], ("DOCKER_BUILDKIT", "0"));
        Assert.True(buildExit == 0, $"docker build failed ({buildExit}):\n{buildOut}\n{buildErr}");
        Assert.Contains(version, buildOut.Split('\n').Select(line => line.Trim()));

        // Built on the stand-in telegraf:1.32 (the ARG's default tag): its layers come first.
        string[] baseLayers = JsonSerializer.Deserialize<string[]>(await docker.DockerAsync("image", "inspect", "-f", "{{json .RootFS.Layers}}", BaseImage))!;
        string[] builtLayers = JsonSerializer.Deserialize<string[]>(await docker.DockerAsync("image", "inspect", "-f", "{{json .RootFS.Layers}}", BuiltImage))!;
        Assert.Equal(baseLayers, builtLayers.Take(baseLayers.Length));
        Assert.True(builtLayers.Length > baseLayers.Length, buildOut);

        // The files, their owner and modes, and their bytes.
        string stat = await RunInImageAsync(docker, "--network", "none", BuiltImage, "/bin/busybox", "stat", "-c", "%n %U %G %a %F",
            "/usr/bin/execd-jvb", "/etc/telegraf/execd-jvb.json", "/etc/telegraf/telegraf.d/execd-jvb.conf");
        Assert.Equal(
            [
                "/usr/bin/execd-jvb root root 755 regular file",
                "/etc/telegraf/execd-jvb.json root root 644 regular file",
                "/etc/telegraf/telegraf.d/execd-jvb.conf root root 644 regular file",
            ],
            stat.Trim().Split('\n'));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Shipped, "execd-jvb.json")), await RunInImageAsync(docker, "--network", "none", BuiltImage, "/bin/busybox", "cat", "/etc/telegraf/execd-jvb.json"));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Shipped, "execd-jvb.conf")), await RunInImageAsync(docker, "--network", "none", BuiltImage, "/bin/busybox", "cat", "/etc/telegraf/telegraf.d/execd-jvb.conf"));
        string sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(File.OpenRead(PublishedBinary.Path)));
        Assert.StartsWith(sha256 + " ", await RunInImageAsync(docker, "--network", "none", BuiltImage, "/bin/busybox", "sha256sum", "/usr/bin/execd-jvb"), StringComparison.Ordinal);

        // It runs there, as the telegraf user the sidecar runs as, and reads the JVB on the pod's loopback.
        Assert.Equal(version, (await RunInImageAsync(docker, "--network", "none", "--user", "999:999", BuiltImage, "/usr/bin/execd-jvb", "--version")).Trim());
        (int onceExit, string onceOut, string onceErr) = await DockerCliAsync(docker, ["run", "--rm", "--network", "host", "--user", "999:999", BuiltImage, "/usr/bin/execd-jvb", "--config", "/etc/telegraf/execd-jvb.json", "--once"]);
        Assert.True(onceExit == 0, $"--once exited {onceExit}:\n{onceOut}\n{onceErr}");
        Assert.Equal([GoldenLineWithoutTime()], onceOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(WithoutTime));
        Assert.DoesNotContain(onceErr.Split('\n'), line => line.StartsWith("E! ", StringComparison.Ordinal) || line.StartsWith("W! ", StringComparison.Ordinal));
        Assert.True(jvb.Requests >= 1);
    }

    [Fact]
    public async Task The_published_binary_run_with_the_command_line_the_manifests_sidecar_gives_it_writes_the_JVBs_line()
    {
        // The sidecar's command line, from the manifest: Telegraf with its ConfigMap's telegraf.conf and a telegraf.d folder.
        string manifest = await File.ReadAllTextAsync(Path.Combine(Shipped, "jvb-telegraf-sidecar.yaml"));
        string[] args = SidecarArgs(manifest);
        Assert.Equal("telegraf", args[0]);
        string telegrafConf = args[Array.IndexOf(args, "--config") + 1];
        string configDirectory = args[Array.IndexOf(args, "--config-directory") + 1];
        Assert.Contains($"mountPath: {telegrafConf}\n", manifest, StringComparison.Ordinal);

        // What the image puts in that folder (the Dockerfile's COPY lines): one .conf, whose [[inputs.execd]] command runs
        // the plugin with files the image holds.
        Dictionary<string, string> copied = DockerfileCopies();
        string conf = Assert.Single(copied.Keys, destination => Path.GetDirectoryName(destination) == configDirectory && destination.EndsWith(".conf", StringComparison.Ordinal));
        string toml = await File.ReadAllTextAsync(Path.Combine(Shipped, copied[conf]));
        Assert.Contains("\n  signal = \"STDIN\"\n", toml, StringComparison.Ordinal);
        Assert.Contains("\n  data_format = \"influx\"\n", toml, StringComparison.Ordinal);
        string[] command = JsonSerializer.Deserialize<string[]>(TomlValue(toml, "command"))!;
        Assert.Equal("execd-jvb", copied[command[0]]);
        string[] pluginArgs = [.. command.Skip(1).Select(arg => copied.TryGetValue(arg, out string? source) ? Path.Combine(Shipped, source) : arg)];
        Assert.Contains(Path.Combine(Shipped, "execd-jvb.json"), pluginArgs);

        await using JvbHttpServer jvb = StartJvbOnItsPodPort();
        await using ExecdProcess plugin = ExecdProcess.Start(pluginArgs);
        for (int i = 0; i < 2; i++)
        {
            await plugin.TriggerAsync();
            Assert.Equal(GoldenLineWithoutTime(), WithoutTime(await plugin.NextStdoutLineAsync(Wait) ?? "(no line)"));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(2, plugin.StdoutLines.Count);
        Assert.DoesNotContain(plugin.StderrLines, line => line.StartsWith("E! ", StringComparison.Ordinal) || line.StartsWith("W! ", StringComparison.Ordinal));
        Assert.All(plugin.StderrLines, line => Assert.Matches("^[EWID]! ", line));
        Assert.Equal(2, jvb.Requests);
    }

    /// <summary>The JVB stand-in on 127.0.0.1:8080, where the JVB's REST API is in the pod; a taken port fails the test.</summary>
    private static JvbHttpServer StartJvbOnItsPodPort()
    {
        try
        {
            return new JvbHttpServer(StubResponse.Json(TestData.Bytes("jvb", Fixture + ".json")), JvbPort);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"127.0.0.1:{JvbPort} is taken by another program ({ex.SocketErrorCode}); this test needs it, as the JVB has it in the pod", ex);
        }
    }

    /// <summary>
    /// A stand-in for the official telegraf image, imported as telegraf:1.32: the glibc files the published binary loads
    /// (as ldd lists them, with the dynamic loader), busybox as /bin/sh and chmod for the Dockerfile's RUN step, and the
    /// telegraf user and group (999) in /etc/passwd and /etc/group.
    /// </summary>
    private static async Task ImportStandInTelegrafImageAsync(DockerEngine docker)
    {
        string tarPath = Path.Combine(docker.Folder, "telegraf-stand-in.tar");
        await using (FileStream file = File.Create(tarPath))
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            // Every folder first, each 0755 as in the real image (one docker import adds on its own is not).
            IReadOnlyList<string> libraries = await LoadedLibrariesAsync(PublishedBinary.Path);
            string[] folders = [.. libraries.Select(library => Path.GetDirectoryName(library.TrimStart('/'))!)
                .Concat(["bin", "etc/telegraf/telegraf.d", "usr/bin"])
                .SelectMany(folder => folder.Split('/').Select((_, i) => string.Join('/', folder.Split('/')[..(i + 1)])))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)];
            foreach (string folder in folders)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, folder + "/") { Mode = (UnixFileMode)0b111_101_101 });
            }

            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0b1_111_111_111 });
            foreach (string library in libraries)
            {
                string real = new FileInfo(library).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? library;
                await tar.WriteEntryAsync(real, library.TrimStart('/'));
            }

            await tar.WriteEntryAsync("/bin/busybox", "bin/busybox");
            foreach (string applet in new[] { "sh", "chmod" })
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" });
            }

            await WriteTextAsync(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\ntelegraf:x:999:999::/etc/telegraf:/bin/false\n");
            await WriteTextAsync(tar, "etc/group", "root:x:0:\ntelegraf:x:999:\n");
        }

        await docker.DockerAsync("import", tarPath, BaseImage);
    }

    /// <summary>The files ldd says the binary loads: each "name => /path" and the loader's own "/path".</summary>
    private static async Task<IReadOnlyList<string>> LoadedLibrariesAsync(string binary)
    {
        (int exit, string stdout, string stderr) = await ExecdProcess.RunAsync("ldd", [binary], CommandTimeout);
        Assert.True(exit == 0, $"ldd {binary} failed ({exit}): {stderr}");
        string[] paths = [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Contains(" => ", StringComparison.Ordinal) ? line[(line.IndexOf(" => ", StringComparison.Ordinal) + 4)..] : line)
            .Select(line => line.Split(' ')[0])
            .Where(path => path.StartsWith('/'))];
        Assert.Contains(paths, path => Path.GetFileName(path).StartsWith("libc.so", StringComparison.Ordinal));
        Assert.Contains(paths, path => Path.GetFileName(path).StartsWith("ld-linux", StringComparison.Ordinal));
        return paths;
    }

    private static async Task WriteTextAsync(TarWriter tar, string name, string text)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b110_100_100,
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
        };
        await tar.WriteEntryAsync(entry);
    }

    /// <summary>The args of the container named telegraf in the manifest (a flow sequence of quoted strings).</summary>
    private static string[] SidecarArgs(string manifest)
    {
        string[] lines = manifest.Split('\n');
        int container = Array.FindIndex(lines, line => line.Trim() == "- name: telegraf");
        Assert.True(container >= 0, "the manifest has no container named telegraf");
        int indent = lines[container].IndexOf('-', StringComparison.Ordinal);
        string? argsLine = lines.Skip(container + 1)
            .TakeWhile(line => line.Trim().Length == 0 || line.TrimStart().StartsWith('#') || line.Length - line.TrimStart().Length > indent)
            .FirstOrDefault(line => line.TrimStart().StartsWith("args: ", StringComparison.Ordinal));
        Assert.NotNull(argsLine);
        return JsonSerializer.Deserialize<string[]>(argsLine.Trim()["args: ".Length..])!;
    }

    /// <summary>The Dockerfile's COPY lines: where in the image each file of the build context goes.</summary>
    private static Dictionary<string, string> DockerfileCopies() =>
        File.ReadAllLines(Path.Combine(Shipped, "Dockerfile"))
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[^1], parts => Assert.Single(parts[1..^1]), StringComparer.Ordinal);

    /// <summary>The value of a one-line TOML key in the [[inputs.execd]] block.</summary>
    private static string TomlValue(string toml, string key) =>
        Assert.Single(toml.Split('\n'), line => line.TrimStart().StartsWith(key + " = ", StringComparison.Ordinal)).Split(" = ", 2)[1];

    private static string GoldenLineWithoutTime() =>
        WithoutTime(File.ReadAllText(TestData.PathOf("golden", Fixture + ".out")).Trim());

    private static string WithoutTime(string line) => line[..Math.Max(0, line.LastIndexOf(' '))];

    private static async Task<string> RunInImageAsync(DockerEngine docker, params string[] args)
    {
        (int exit, string stdout, string stderr) = await DockerCliAsync(docker, ["run", "--rm", .. args]);
        Assert.True(exit == 0, $"docker run {string.Join(' ', args)} failed ({exit}):\n{stdout}\n{stderr}");
        return stdout;
    }

    private static Task<ProcessResult> DockerCliAsync(DockerEngine docker, string[] args, params (string Name, string Value)[] environment) =>
        ExecdProcess.RunAsync("docker", ["-H", docker.Endpoint, .. args], CommandTimeout, environment.ToDictionary(pair => pair.Name, pair => pair.Value));
}
