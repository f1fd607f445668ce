using ExecdJvb.Discovery.Docker;
using ExecdJvb.Jitsi;
using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace ExecdJvb.Configuration;

/// <summary>
/// Reads the configuration (JSON file, then EXECD_JVB_* environment, then command line; later wins) and
/// validates all of it at start, without touching the network.
/// </summary>
internal static class SettingsLoader
{
    public static PluginSettings Load(CommandLine commandLine, IDictionary environment)
    {
        var builder = new ConfigurationBuilder();
        if (commandLine.ConfigPath is { } path)
        {
            AddJsonFile(builder, path);
        }

        builder.AddInMemoryCollection(EnvironmentValues(environment));
        builder.AddCommandLine([.. commandLine.ConfigurationArguments]);
        IConfigurationRoot root = builder.Build();

        foreach (IConfigurationSection section in root.GetChildren())
        {
            Option option = Options.Find(section.Key)
                ?? throw new ConfigurationException($"unknown key \"{section.Key}\" in {commandLine.ConfigPath ?? "the configuration"} (see --help for the list)");

            // The command line takes --stats-path for --stats_path; a file's "stats-path" would be read by no one.
            if (!string.Equals(section.Key, option.Key, StringComparison.OrdinalIgnoreCase))
            {
                throw new ConfigurationException($"key \"{section.Key}\" in {commandLine.ConfigPath ?? "the configuration"} is written {option.Key}");
            }
        }

        var settings = new PluginSettings
        {
            Measurement = Options.Measurement.Read(root),
            Port = Options.Port.Read(root),
            StatsPath = Options.StatsPath.Read(root),
            Timeout = Options.Timeout.Read(root),
            MaxBodySize = Options.MaxBodySize.Read(root),
            PollInterval = Options.PollInterval.Read(root),
            TagKeys = Options.TagKeys.Read(root),
            JsonStringFields = Options.JsonStringFields.Read(root),
            Debug = Options.Debug.Read(root),
            Loopback = Options.Loopback.Read(root),
            ReportUnreachable = Options.ReportUnreachable.Read(root),
            SelfMeasurement = Options.SelfMeasurement.Read(root),
            Source = Options.Source.Read(root),
            MetricsSchema = Options.MetricsSchema.Read(root),
            TagVersion = Options.TagVersion.Read(root),
            JicofoFleet = Options.JicofoFleet.Read(root),
            DockerEndpoint = Options.Endpoint.Read(root) ?? DockerHost(environment),
            DockerTls = Tls(root, environment),
            Address = Options.Address.Read(root),
            Network = Options.Network.Read(root),
            Selection = Selection(root).WithComponents([.. Options.Components.Read(root).Distinct()]),
        };
        settings = settings with { Urls = [.. Options.Urls.Read(root).Select(url => Url(url, settings))] };
        if (settings.DockerTls is not null && settings.DockerEndpoint.Scheme != "tcp" && settings.Urls.Count == 0)
        {
            throw new ConfigurationException($"invalid endpoint \"{settings.DockerEndpoint}\": TLS (tls_ca, tls_cert, tls_key, insecure_skip_verify or DOCKER_TLS_VERIFY) needs a tcp://host:port endpoint");
        }

        string[] ignored = [.. Options.All.Where(option => option.DiscoveryOnly && root.GetSection(option.Key).Exists()).Select(option => option.Key)];
        return settings.Urls.Count > 0 && ignored.Length > 0
            ? settings with { Warnings = [$"urls is set, so discovery is off and {string.Join(", ", ignored)} {(ignored.Length == 1 ? "is" : "are")} ignored"] }
            : settings;
    }

    private static void AddJsonFile(ConfigurationBuilder builder, string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ConfigurationException($"config file {full} does not exist (--config)");
        }

        try
        {
            // Parsed once here so a syntax error is reported with its position, not as a provider exception.
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"config file {full} must hold a JSON object, such as {{\"urls\": [\"http://127.0.0.1:8080/colibri/stats\"]}}");
            }
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"config file {full} is not valid JSON: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new ConfigurationException($"config file {full} cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ConfigurationException($"config file {full} cannot be read: {ex.Message}");
        }

        builder.AddJsonFile(full, optional: false, reloadOnChange: false);
    }

    private static Dictionary<string, string?> EnvironmentValues(IDictionary environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(Options.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string key = name[Options.EnvironmentPrefix.Length..];
            Option option = Options.Find(key)
                ?? throw new ConfigurationException($"unknown environment variable {name} (see --help for the list)");
            values[option.Key] = entry.Value as string;
        }

        return values;
    }

    /// <summary>
    /// The built-in rule (label or image) holds while neither container_label_include nor
    /// container_image_include is set; setting either replaces the whole rule with what is listed.
    /// </summary>
    private static ContainerSelection Selection(IConfigurationRoot root)
    {
        IReadOnlyList<KeyValuePair<string, string>> labels = Options.ContainerLabelInclude.ReadGiven(root);
        IReadOnlyList<GlobPattern> images = Options.ContainerImageInclude.ReadGiven(root);
        IReadOnlyList<GlobPattern> nameInclude = Options.ContainerNameInclude.Read(root);
        IReadOnlyList<GlobPattern> nameExclude = Options.ContainerNameExclude.Read(root);
        bool asBuiltIn = Options.ContainerLabelInclude.IsDefault(labels) && Options.ContainerImageInclude.IsDefault(images);
        if ((labels.Count == 0 && images.Count == 0) || asBuiltIn)
        {
            return nameInclude.Count == 0 && nameExclude.Count == 0
                ? ContainerSelection.BuiltIn
                : ContainerSelection.BuiltIn.WithNames(nameInclude, nameExclude);
        }

        return new ContainerSelection(labels, images, nameInclude, nameExclude);
    }

    /// <summary>
    /// TLS to Docker from tls_ca/tls_cert/tls_key/insecure_skip_verify, or else, as the docker CLI does,
    /// from DOCKER_TLS_VERIFY with ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH (default ~/.docker).
    /// </summary>
    private static DockerTls? Tls(IConfigurationRoot root, IDictionary environment)
    {
        bool skipVerify = Options.InsecureSkipVerify.Read(root);
        string? ca = Options.TlsCa.Read(root);
        string? cert = Options.TlsCert.Read(root);
        string? key = Options.TlsKey.Read(root);
        string origin = string.Empty;
        if (ca is null && cert is null && key is null && !skipVerify
            && EnvironmentValue(environment, "DOCKER_TLS_VERIFY") is { Length: > 0 })
        {
            string folder = EnvironmentValue(environment, "DOCKER_CERT_PATH") is { Length: > 0 } path
                ? path
                : Path.Combine(EnvironmentValue(environment, "HOME") ?? "/root", ".docker");
            ca = Path.Combine(folder, "ca.pem");
            cert = Path.Combine(folder, "cert.pem");
            key = Path.Combine(folder, "key.pem");
            origin = " (from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH)";
        }

        if (ca is null && cert is null && key is null && !skipVerify)
        {
            return null;
        }

        return DockerTls.Load(ca, cert, key, skipVerify, origin);
    }

    private static string? EnvironmentValue(IDictionary environment, string name) =>
        environment.Contains(name) ? environment[name] as string : null;

    /// <summary>Where Docker is when the endpoint key is unset: DOCKER_HOST, as for the docker CLI, else the local socket.</summary>
    private static Uri DockerHost(IDictionary environment) =>
        Options.DockerUri("DOCKER_HOST", EnvironmentValue(environment, "DOCKER_HOST") is { } host && !string.IsNullOrWhiteSpace(host) ? host.Trim() : Options.DefaultDockerSocket);

    /// <summary>
    /// A full http(s) URL is taken as written (an empty path gets stats_path, or the path of the component whose port it
    /// names); host[:port] gets both defaults.
    /// </summary>
    private static Uri Url(string entry, PluginSettings settings)
    {
        // The urls parser has checked the entry's form.
        var uri = new Uri(entry.Contains("://", StringComparison.Ordinal) ? entry : $"http://{entry}", UriKind.Absolute);
        bool bareHost = !entry.Contains("://", StringComparison.Ordinal);
        var builder = new UriBuilder(uri);
        if (bareHost && uri.IsDefaultPort)
        {
            builder.Port = settings.Port;
        }

        if (uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query))
        {
            // A component's own port gives its own path: 127.0.0.1:8888 is Jicofo's /stats.
            ComponentProfile? own = ComponentProfile.All.FirstOrDefault(profile => profile.Port == builder.Port && profile.Component != JitsiComponent.Jvb);
            builder.Path = own is null ? settings.StatsPath : own.JsonStatsPath ?? ComponentProfile.MetricsPath;
        }

        return bareHost || uri.AbsolutePath == "/" ? new Uri(builder.Uri.ToString()) : uri;
    }
}
