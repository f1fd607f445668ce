using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>The README's tables are written by hand; they must say what the code does.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    [Fact]
    public void The_configuration_table_has_a_row_per_key_in_the_catalogs_order_with_its_environment_variable()
    {
        (string Key, string Environment)[] rows = [.. ConfigurationRow().Matches(Section("Configuration")).Select(m => (m.Groups["key"].Value, m.Groups["env"].Value))];

        Assert.Equal(OptionCatalog.All.Select(option => (option.Key, option.EnvironmentVariable)), rows);
    }

    [Fact]
    public void The_sources_table_of_jitsi_stats_fields_is_the_mapping_the_metrics_mapper_uses_in_its_order()
    {
        (string Field, string Metric, string How)[] rows = [.. MappingRow().Matches(Section("Sources")).Select(m => (m.Groups["field"].Value, m.Groups["metric"].Value, m.Groups["how"].Value))];

        Assert.Equal(JitsiStatsMetricMap.InShimOrder.Select(f => (f.Field, f.Metric, How(f))), rows);
    }

    private static string How(JitsiStatsField field) => field.Field == Gatherer.HealthyField
        ? "not from here: `healthy` comes from `/about/health`"
        : field.Conversion switch
        {
            MetricConversion.KilobitsTruncated => "÷ 1000, truncated (bit/s → kbit/s)",
            MetricConversion.Boolean => "boolean: only with `json_string_fields`",
            _ => "as is",
        };

    private static string Section(string title)
    {
        string section = Readme[Readme.IndexOf($"\n## {title}\n", StringComparison.Ordinal)..];
        return section[..section.IndexOf("\n## ", 1, StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"^\| `(?<key>[a-z_]+)` \| [^\n]*? \| `(?<env>EXECD_JVB_[A-Z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ConfigurationRow();

    [GeneratedRegex(@"^\| `(?<field>[a-z0-9_]+)` \| `(?<metric>jitsi_jvb_[a-z0-9_]+)` \| (?<how>[^|\n]+?) \|$", RegexOptions.Multiline)]
    private static partial Regex MappingRow();
}
