namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>The command lines of the three clients, for static URLs and for Docker discovery.</summary>
internal sealed class Clients(string plugin, string floor, string python)
{
    public const string PluginName = "plugin";
    public const string FloorName = "C floor";
    public const string PythonName = "Python";

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

    /// <summary>The three, each on its own server (so each one's requests can be counted), in table order.</summary>
    public ClientSpec[] Static(string pluginUrl, string floorUrl, string pythonUrl) =>
        [Plugin([pluginUrl]), Floor([floorUrl]), Python([pythonUrl])];

    public ClientSpec PluginDocker(string endpoint, string container) =>
        new(PluginName + " (Docker)", plugin, ["--endpoint", endpoint], $"jitsi_stats,container_name={container} ");

    public ClientSpec FloorDocker(string socket, string listTarget, string container) =>
        new(FloorName + " (Docker)", floor, ["docker", socket, listTarget], $"jitsi_stats,container_name={container} ");
}
