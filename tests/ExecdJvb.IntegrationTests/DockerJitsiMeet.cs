using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Containers named and labelled as docker-jitsi-meet's compose file names them (project docker-jitsi-meet, service
/// jvb, jicofo, prosody or jigasi, container docker-jitsi-meet-&lt;service&gt;-1, image ghcr.io/jitsi/&lt;service&gt;:stable-11146),
/// each on the host network and on a free port its execd-jvb.port label announces, as several components on one host
/// cannot all own their usual ports here. The fields each payload should give are read from the payload files.
/// </summary>
internal static class DockerJitsiMeet
{
    public const string Project = "docker-jitsi-meet";
    public const string JvbVersion = "2.3.168-g28674f78";

    public static readonly string Jvb = ContainerName("jvb");
    public static readonly string Jicofo = ContainerName("jicofo");
    public static readonly string Jigasi = ContainerName("jigasi");
    public static readonly string Prosody = ContainerName("prosody");

    public static string ContainerName(string service) => $"{Project}-{service}-1";

    /// <summary>
    /// A JVB 2.3.168 with colibri on: /colibri/stats, /metrics, /about/health and /about/version; or one serving another
    /// <paramref name="site"/> (a colibri fixture's name serves that document at /colibri/stats and nothing else);
    /// <paramref name="extra"/> adds options of docker run.
    /// </summary>
    public static Task<string> RunJvbAsync(DockerEngine docker, int port, string site = DockerEngine.RestOnJvbSite, params string[] extra) =>
        docker.RunSiteAsync(Jvb, port, site, DockerEngine.GhcrJvbImage, [.. ComposeLabels("jvb"), .. extra]);

    /// <summary>A Jicofo serving <paramref name="site"/> (<see cref="DockerEngine.JicofoSite"/> or <see cref="DockerEngine.MetricsOnlyJicofoSite"/>).</summary>
    public static Task<string> RunJicofoAsync(DockerEngine docker, int port, string site = DockerEngine.JicofoSite) =>
        docker.RunSiteAsync(Jicofo, port, site, DockerEngine.GhcrJicofoImage, ComposeLabels("jicofo"));

    /// <summary>A Jicofo whose REST API is off: the container runs, and nothing listens on its port.</summary>
    public static Task<string> RunJicofoWithoutRestAsync(DockerEngine docker, int port) =>
        docker.RunAsync(["--name", Jicofo, "--network", "host", "--label", $"execd-jvb.port={port}", .. ComposeLabels("jicofo"), DockerEngine.GhcrJicofoImage, "/bin/busybox", "sleep", "600"]);

    public static Task<string> RunJigasiAsync(DockerEngine docker, int port) =>
        docker.RunSiteAsync(Jigasi, port, DockerEngine.JigasiSite, DockerEngine.GhcrJigasiImage, ComposeLabels("jigasi"));

    /// <summary>
    /// A Prosody whose /metrics answers as <paramref name="site"/> (<see cref="DockerEngine.ProsodySite"/>,
    /// <see cref="DockerEngine.ForbiddenProsodySite"/> or <see cref="DockerEngine.NoMetricsProsodySite"/>).
    /// </summary>
    public static Task<string> RunProsodyAsync(DockerEngine docker, int port, string site = DockerEngine.ProsodySite) =>
        docker.RunProsodyAsync(Prosody, port, site, DockerEngine.GhcrProsodyImage, ComposeLabels("prosody"));

    public static string[] ComposeLabels(string service) =>
        ["--label", $"com.docker.compose.project={Project}", "--label", $"com.docker.compose.service={service}"];

    /// <summary>The JVB's line without its timestamp: the json parser's fields of the colibri document, after healthy=1.</summary>
    public static string JvbLine(string containerName = "") =>
        $"jitsi_stats,container_name={(containerName.Length > 0 ? containerName : Jvb)},version={JvbVersion} healthy=1,"
        + File.ReadAllText(TestData.PathOf("golden", "colibri-stats-2.3.168-stable-9779.out")).Split(' ')[1];

    /// <summary>The version a component's /about/version payload names.</summary>
    public static string VersionOf(string folder)
    {
        using JsonDocument version = JsonDocument.Parse(TestData.Bytes(folder, "about-version.json"));
        return version.RootElement.GetProperty("version").GetString()!;
    }

    /// <summary>Jicofo's /stats as fields: healthy=1, then every number of the payload.</summary>
    public static IReadOnlyList<DecodedField> JicofoFields() =>
        [new("healthy", 1.0), .. NumbersOf(TestData.Bytes("jicofo", "stats-stable-jitsi-meet_11146.json"))];

    /// <summary>
    /// The points Jicofo's /debug gives per gather, counted in its payload: one per bridge, and one per Jibri and Jigasi
    /// instance (every Jibri of this payload has a status).
    /// </summary>
    public static (int Bridges, int Jibris, int Jigasis) JicofoFleetPoints(string payload = DockerEngine.JicofoDebugPayload)
    {
        using JsonDocument debug = JsonDocument.Parse(TestData.Bytes("jicofo", payload));
        JsonElement root = debug.RootElement;
        int Instances(string detector) => root.GetProperty(detector).ValueKind == JsonValueKind.Null ? 0
            : root.GetProperty(detector).EnumerateObject().Count(member => member.Name is not ("is_sip" or "brewery_jid"));
        return (root.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject().Count(),
            Instances("jibri_detector") + Instances("sip_jibri_detector"), Instances("jigasi_detector"));
    }

    /// <summary>The nicknames of the bridges of Jicofo's /debug (<see cref="DockerEngine.JicofoDebugPayload"/>): the resource part of each JID.</summary>
    public static IReadOnlyList<string> JicofoBridgeNicknames()
    {
        using JsonDocument debug = JsonDocument.Parse(TestData.Bytes("jicofo", DockerEngine.JicofoDebugPayload));
        return [.. debug.RootElement.GetProperty("bridge_selector").GetProperty("bridge").EnumerateObject().Select(bridge => bridge.Name.Split('/')[1])];
    }

    /// <summary>The number of points of <see cref="JicofoFleetPoints"/>, all told.</summary>
    public static int JicofoFleetPointCount(string payload = DockerEngine.JicofoDebugPayload) => JicofoFleetPoints(payload) is var (bridges, jibris, jigasis) ? bridges + jibris + jigasis : 0;

    /// <summary>Jigasi's /about/stats as fields: every number of the payload (no healthy: its health API is off).</summary>
    public static IReadOnlyList<DecodedField> JigasiFields() => NumbersOf(TestData.Bytes("jigasi", "about-stats-master.json"));

    /// <summary>Every number of a JSON document as Telegraf's json parser writes it.</summary>
    public static IReadOnlyList<DecodedField> NumbersOf(byte[] document) => JsonNumbers.Of(document);
}
