using System.Collections;
using System.Text;

namespace ExecdJvb.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("execd-jvb-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("timeout", "abc")]
    [InlineData("timeout", "0s")]
    [InlineData("timeout", "5")]
    [InlineData("timeout", "10ms")]
    [InlineData("poll_interval", "often")]
    [InlineData("port", "0")]
    [InlineData("port", "65536")]
    [InlineData("port", "http")]
    [InlineData("stats_path", "colibri/stats")]
    [InlineData("stats_path", "/a b")]
    [InlineData("max_body_size", "huge")]
    [InlineData("max_body_size", "10")]
    [InlineData("max_body_size", "1TiB")]
    [InlineData("measurement", " ")]
    [InlineData("measurement", "jitsi\\")]
    [InlineData("measurement", "#jitsi")]
    [InlineData("debug", "maybe")]
    [InlineData("urls", "ftp://jvb/colibri/stats")]
    [InlineData("urls", "http://")]
    [InlineData("urls", "http://exa mple:80/x")]
    [InlineData("address", "public")]
    [InlineData("endpoint", "/var/run/docker.sock")]
    [InlineData("endpoint", "ssh://host")]
    [InlineData("container_label_include", "com.docker.compose.service")]
    public async Task A_bad_value_on_the_command_line_exits_2_with_one_error_line_naming_the_key(string key, string value)
    {
        string[] args = key == "urls" ? ["--urls", value] : [$"--{key}", value];

        (int exitCode, string stdout, string stderr) = await Run(args);

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("E! invalid " + key, line);
        Assert.Contains(value.Trim(), line);
    }

    [Theory]
    [InlineData("""{"timeout": "soon", "urls": ["127.0.0.1"]}""", "E! invalid timeout \"soon\"")]
    [InlineData("""{"urls": "127.0.0.1", "colour": "blue"}""", "E! unknown key \"colour\"")]
    [InlineData("""{"urls": "127.0.0.1", "stats-path": "/stats"}""", "is written stats_path")]
    [InlineData("""{"urls": [1, {"a": 2}]}""", "E! invalid urls")]
    [InlineData("""{"urls": ["127.0.0.1"] """, "E! config file")]
    [InlineData("""["127.0.0.1"]""", "must hold a JSON object")]
    public async Task A_bad_config_file_exits_2_naming_the_key_or_the_file(string json, string expected)
    {
        string path = Path.Combine(_folder, "execd-jvb.json");
        await File.WriteAllTextAsync(path, json);

        (int exitCode, _, string stderr) = await Run(["--config", path]);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_missing_config_file_exits_2()
    {
        (int exitCode, _, string stderr) = await Run(["--config", Path.Combine(_folder, "nope.json")]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("E! config file ", stderr);
        Assert.Contains("does not exist", stderr);
    }

    [Theory]
    [InlineData("--colour", "blue", "E! unknown option --colour")]
    [InlineData("stray", "x", "E! unexpected argument \"stray\"")]
    public async Task An_unknown_argument_exits_2(string first, string second, string expected)
    {
        (int exitCode, _, string stderr) = await Run([first, second]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith(expected, stderr);
    }

    [Fact]
    public async Task An_option_without_a_value_exits_2_and_shows_the_form()
    {
        (int exitCode, _, string stderr) = await Run(["--urls", "127.0.0.1", "--timeout"]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("E! --timeout needs a value, for example --timeout 5s", stderr);
    }

    [Fact]
    public async Task An_unknown_environment_variable_with_the_prefix_exits_2()
    {
        (int exitCode, _, string stderr) = await Run(["--urls", "127.0.0.1"], new Hashtable { ["EXECD_JVB_TIMEOUTS"] = "5s" });

        Assert.Equal(2, exitCode);
        Assert.StartsWith("E! unknown environment variable EXECD_JVB_TIMEOUTS", stderr);
    }

    [Fact]
    public async Task A_bad_environment_value_names_the_key()
    {
        (int exitCode, _, string stderr) = await Run(["--urls", "127.0.0.1"], new Hashtable { ["EXECD_JVB_PORT"] = "eighty" });

        Assert.Equal(2, exitCode);
        Assert.StartsWith("E! invalid port \"eighty\"", stderr);
    }

    [Fact]
    public async Task A_bad_DOCKER_HOST_is_named_as_such()
    {
        (int exitCode, _, string stderr) = await Run([], new Hashtable { ["DOCKER_HOST"] = "docker.example:2375" });

        Assert.Equal(2, exitCode);
        Assert.StartsWith("E! invalid DOCKER_HOST \"docker.example:2375\"", stderr);
    }

    [Fact]
    public async Task Discovery_keys_next_to_urls_are_reported_as_ignored()
    {
        (int exitCode, _, string stderr) = await Run(["--discover", "--urls", "127.0.0.1", "--endpoint", "unix:///x.sock", "--network", "meetup"]);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            [
                "W! urls is set, so discovery is off and endpoint, network are ignored",
                "E! --discover lists the Jitsi components discovery finds, but urls is set; remove urls to use discovery",
            ],
            stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Setting_a_label_or_image_include_replaces_the_built_in_jvb_rule()
    {
        PluginSettings builtIn = SettingsLoader.Load(CommandLine.Parse([]), new Hashtable());
        PluginSettings labelled = SettingsLoader.Load(CommandLine.Parse(["--container_label_include", "role=bridge,tier=media"]), new Hashtable());
        PluginSettings imaged = SettingsLoader.Load(CommandLine.Parse(["--container_image_include", "myorg/videobridge"]), new Hashtable());

        Assert.Equal("label com.docker.compose.service=jvb|jicofo|prosody|jigasi or image [*/]jitsi/jvb|jicofo|prosody|jigasi", builtIn.Selection.ToString());
        Assert.Equal("label role=bridge or tier=media", labelled.Selection.ToString());
        Assert.Equal("image myorg/videobridge", imaged.Selection.ToString());
    }

    [Fact]
    public void Later_sources_win_file_then_environment_then_command_line()
    {
        string path = Path.Combine(_folder, "execd-jvb.json");
        File.WriteAllText(path, """{"urls": ["a.example", "b.example"], "timeout": "1s", "port": "9000", "measurement": "from_file", "tag_keys": ["x", "y"]}""");
        var environment = new Hashtable { ["EXECD_JVB_TIMEOUT"] = "2s", ["EXECD_JVB_MEASUREMENT"] = "from_env", ["UNRELATED"] = "1" };

        PluginSettings settings = SettingsLoader.Load(
            CommandLine.Parse(["--config", path, "--measurement", "from_cli", "--poll-interval=10s"]),
            environment);

        Assert.Equal(["http://a.example:9000/colibri/stats", "http://b.example:9000/colibri/stats"], settings.Urls.Select(url => url.ToString()));
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Timeout);
        Assert.Equal("from_cli", settings.Measurement);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.PollInterval);
        Assert.Equal(["x", "y"], settings.TagKeys.Select(glob => glob.Text));
    }

    [Fact]
    public void A_comma_separated_list_on_the_command_line_replaces_the_file_array()
    {
        string path = Path.Combine(_folder, "execd-jvb.json");
        File.WriteAllText(path, """{"urls": ["a.example", "b.example", "c.example"]}""");

        PluginSettings settings = SettingsLoader.Load(
            CommandLine.Parse(["--config", path, "--urls", "http://127.0.0.1:1234/colibri/stats, https://jvb.example/stats"]),
            new Hashtable());

        Assert.Equal(["http://127.0.0.1:1234/colibri/stats", "https://jvb.example/stats"], settings.Urls.Select(url => url.OriginalString));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> Run(string[] args, IDictionary? environment = null)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exitCode = await App.RunAsync(args, environment ?? new Hashtable(), NoStdin.Input, stdout, stderr, CancellationToken.None);
        return (exitCode, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
