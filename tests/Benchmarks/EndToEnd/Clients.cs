namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The command lines of the four clients, for static URLs, for Docker discovery and for a whole host.</summary>
internal sealed class Clients(string plugin, string floor, string python, string go)
{
    public const string PluginName = "plugin";
    public const string FloorName = "C floor";
    public const string PythonName = "Python";
    public const string GoName = "Go";

    /// <summary>What the C floor and the Go scraper write per document of a host, before the container's name.</summary>
    public const string HostDocumentPrefix = "jitsi_document,container_name=";

    private const string StaticPrefix = "jitsi_stats,url=http://127.0.0.1:";

    public ClientSpec Plugin(IReadOnlyList<string> urls) =>
        new(PluginName, plugin, ["--urls", string.Join(',', urls)], StaticPrefix, urls.Count);

    /// <summary>The plugin with the given timeout on URLs of which only some answer: a batch holds their lines.</summary>
    public ClientSpec PluginWithHung(IReadOnlyList<string> urls, int answering, string timeout) =>
        new(PluginName, plugin, ["--urls", string.Join(',', urls), "--timeout", timeout], StaticPrefix, answering);

    public ClientSpec Floor(IReadOnlyList<string> urls) =>
        new(FloorName, floor, ["http", .. urls], StaticPrefix, urls.Count);

    public ClientSpec Python(IReadOnlyList<string> urls) =>
        new(PythonName, python, [FloorSources.Scraper, .. urls], StaticPrefix, urls.Count);

    public ClientSpec Go(IReadOnlyList<string> urls) =>
        new(GoName, go, [.. urls], StaticPrefix, urls.Count);

    /// <summary>The four, each on its own server (so each one's requests can be counted), in table order.</summary>
    public ClientSpec[] Static(string pluginUrl, string floorUrl, string pythonUrl, string goUrl) =>
        [Plugin([pluginUrl]), Floor([floorUrl]), Python([pythonUrl]), Go([goUrl])];

    public ClientSpec PluginDocker(string endpoint, string container) =>
        new(PluginName + " (Docker)", plugin, ["--endpoint", endpoint], $"jitsi_stats,container_name={container} ");

    public ClientSpec FloorDocker(string socket, string listTarget, string container) =>
        new(FloorName + " (Docker)", floor, ["docker", socket, listTarget], $"jitsi_stats,container_name={container} ");

    /// <summary>The plugin at its defaults through Docker: its batch is <paramref name="lines"/> points of several measurements.</summary>
    public ClientSpec PluginHost(string endpoint, int lines) =>
        new(PluginName + " (host)", plugin, ["--endpoint", endpoint], "", lines);

    /// <summary>The C floor's host mode: one line per document, <paramref name="services"/> as SERVICE=PATH,PATH.</summary>
    public ClientSpec FloorHost(string socket, string listTarget, IReadOnlyList<string> services, int documents) =>
        new(FloorName + " (host)", floor, ["host", socket, listTarget, .. services], HostDocumentPrefix, documents);

    public ClientSpec GoHost(string socket, string listTarget, IReadOnlyList<string> services, int documents) =>
        new(GoName + " (host)", go, ["docker", socket, listTarget, .. services], HostDocumentPrefix, documents);
}
