using System.Collections;

namespace ExecdJvb.Tests;

/// <summary>The keys that say where a JVB's stats are read and how /metrics is written: source, metrics_schema and tag_version.</summary>
public sealed class SourceConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("execd-jvb-source-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

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

    private static PluginSettings Load(string[] args, Hashtable? environment = null) =>
        SettingsLoader.Load(CommandLine.Parse(args), environment ?? new Hashtable());
}
