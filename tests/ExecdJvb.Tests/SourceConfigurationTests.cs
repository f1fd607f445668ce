using System.Collections;
using System.Text;

namespace ExecdJvb.Tests;

/// <summary>The keys of the /metrics, health and version issue: source, metrics_schema and tag_version.</summary>
public sealed class SourceConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("execd-jvb-source-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void By_default_colibri_is_read_with_metrics_as_the_fallback_in_the_jitsi_stats_schema_with_the_version_tag()
    {
        PluginSettings settings = Load([]);

        Assert.Equal(StatsSource.Auto, settings.Source);
        Assert.Equal(MetricsSchema.JitsiStats, settings.MetricsSchema);
        Assert.True(settings.TagVersion);
    }

    [Fact]
    public void Each_key_is_read_from_the_file_the_environment_and_the_command_line_and_the_later_wins()
    {
        string path = Path.Combine(_folder, "execd-jvb.json");
        File.WriteAllText(path, """{"source": "colibri", "metrics_schema": "prometheus", "tag_version": false}""");

        PluginSettings fromFile = Load(["--config", path]);
        PluginSettings fromEnvironment = Load(["--config", path], new Hashtable { ["EXECD_JVB_SOURCE"] = "Metrics", ["EXECD_JVB_TAG_VERSION"] = "yes" });
        PluginSettings fromCommandLine = Load(["--config", path, "--source", "auto", "--metrics-schema", "jitsi_stats"], new Hashtable { ["EXECD_JVB_SOURCE"] = "metrics" });

        Assert.Equal((StatsSource.Colibri, MetricsSchema.Prometheus, false), (fromFile.Source, fromFile.MetricsSchema, fromFile.TagVersion));
        Assert.Equal((StatsSource.Metrics, MetricsSchema.Prometheus, true), (fromEnvironment.Source, fromEnvironment.MetricsSchema, fromEnvironment.TagVersion));
        Assert.Equal((StatsSource.Auto, MetricsSchema.JitsiStats, false), (fromCommandLine.Source, fromCommandLine.MetricsSchema, fromCommandLine.TagVersion));
    }

    [Theory]
    [InlineData("source", "prometheus", "expected auto (/colibri/stats, or /metrics when it answers 404), colibri or metrics")]
    [InlineData("source", "", "expected auto")]
    [InlineData("metrics_schema", "influx", "expected jitsi_stats (colibri's field names) or prometheus")]
    [InlineData("tag_version", "sometimes", "expected true or false")]
    public async Task A_bad_value_exits_2_with_one_error_line_naming_the_key_and_what_it_takes(string key, string value, string expected)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();

        int exitCode = await App.RunAsync([$"--{key}={value}"], new Hashtable(), NoStdin.Input, stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout.ToArray());
        Assert.Equal($"E! invalid {key} \"{value}\": {expected}", Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))[..($"E! invalid {key} \"{value}\": ".Length + expected.Length)]);
    }

    [Fact]
    public async Task Help_lists_the_three_keys_with_their_defaults()
    {
        using var stdout = new MemoryStream();
        int exitCode = await App.RunAsync(["--help"], new Hashtable(), NoStdin.Input, stdout, TextWriter.Null, CancellationToken.None);
        string help = Encoding.UTF8.GetString(stdout.ToArray());

        Assert.Equal(0, exitCode);
        Assert.Matches(@"--source +where the stats are read: auto .*\n +default: auto; env: EXECD_JVB_SOURCE\n", help);
        Assert.Matches(@"--metrics_schema +how /metrics is written: .*\n +default: jitsi_stats; env: EXECD_JVB_METRICS_SCHEMA\n", help);
        Assert.Matches(@"--tag_version +read each component's /about/version .*\n +default: true; env: EXECD_JVB_TAG_VERSION\n", help);
    }

    private static PluginSettings Load(string[] args, Hashtable? environment = null) =>
        SettingsLoader.Load(CommandLine.Parse(args), environment ?? new Hashtable());
}
