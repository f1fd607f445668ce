using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests;

/// <summary>
/// The keys as users read of them, held to what the plugin does: the README key table (written by hand) names
/// exactly the keys the plugin knows, each default it documents is the one an empty configuration gets, and --help
/// shows the same defaults; a few defaults are also written here as values.
/// </summary>
public sealed partial class OptionsTests
{
    private const string TableHeader = "| key | default | environment | meaning |";

    [Fact]
    public void The_README_key_table_lists_every_key_the_plugin_knows_in_order_with_its_environment_variable()
    {
        KeyRow[] rows = ReadmeKeyTable();

        Assert.Equal(Options.All.Select(option => option.Key), rows.Select(row => row.Key));
        Assert.All(rows, row => Assert.Equal("EXECD_JVB_" + row.Key.ToUpperInvariant(), row.Environment));
    }

    [Fact]
    public void Every_default_the_README_documents_is_what_an_empty_configuration_gets()
    {
        KeyRow[] rows = ReadmeKeyTable();
        IReadOnlyList<string> components = DocumentedValue(rows.Single(row => row.Key == "components").Default, []).Split(',');
        (KeyRow Row, string Value)[] documented = [.. rows
            .Select(row => (row, DocumentedValue(row.Default, components)))
            .Where(pair => !pair.Item2.StartsWith('('))];

        // Given all at once: container_label_include and container_image_include make the built-in rule together.
        string[] empty = Effective(Load([]));
        string[] fromEnvironment = Effective(Load([], new Hashtable(documented.ToDictionary(pair => pair.Row.Environment, pair => pair.Value))));
        string[] fromCommandLine = Effective(Load([.. documented.SelectMany(pair => new[] { $"--{pair.Row.Key}", pair.Value })]));

        Assert.InRange(documented.Length, rows.Length / 2, rows.Length);
        Assert.Equal(empty, fromEnvironment);
        Assert.Equal(empty, fromCommandLine);
    }

    [Fact]
    public async Task Help_shows_each_key_with_the_default_and_environment_variable_of_the_README_table()
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exitCode = await App.RunAsync(["--help"], new Hashtable(), NoStdin.Input, stdout, stderr, CancellationToken.None);
        string help = Encoding.UTF8.GetString(stdout.ToArray());
        KeyRow[] rows = ReadmeKeyTable();
        IReadOnlyList<string> components = DocumentedValue(rows.Single(row => row.Key == "components").Default, []).Split(',');

        string[] helped = [.. HelpOption().Matches(help)
            .Select(m => $"{m.Groups["key"].Value} = {DocumentedValue(m.Groups["default"].Value, components)} ({m.Groups["env"].Value})")];

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr.ToString());
        Assert.Equal(rows.Select(row => $"{row.Key} = {DocumentedValue(row.Default, components)} ({row.Environment})"), helped);
    }

    [Fact]
    public void An_empty_configuration_gets_these_defaults()
    {
        PluginSettings settings = Load([]);

        Assert.Empty(settings.Urls);
        Assert.Equal("unix:///var/run/docker.sock", settings.DockerEndpoint.OriginalString);
        Assert.Equal([JitsiComponent.Jvb, JitsiComponent.Jicofo, JitsiComponent.Prosody, JitsiComponent.Jigasi], settings.Selection.Components);
        Assert.True(settings.Loopback);
        Assert.Equal(AddressMode.Auto, settings.Address);
        Assert.Null(settings.Network);
        Assert.Null(settings.DockerTls);
        Assert.Equal("jitsi_stats", settings.Measurement);
        Assert.Equal(8080, settings.Port);
        Assert.Equal("/colibri/stats", settings.StatsPath);
        Assert.Equal(StatsSource.Auto, settings.Source);
        Assert.Equal(MetricsSchema.JitsiStats, settings.MetricsSchema);
        Assert.True(settings.TagVersion);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Timeout);
        Assert.Equal(1024 * 1024, settings.MaxBodySize);
        Assert.Equal(TimeSpan.Zero, settings.PollInterval);
        Assert.Empty(settings.TagKeys);
        Assert.Empty(settings.JsonStringFields);
        Assert.False(settings.ReportUnreachable);
        Assert.Null(settings.SelfMeasurement);
        Assert.False(settings.Debug);
        Assert.Equal("http://10.1.2.3:8080/colibri/stats", Assert.Single(Load(["--urls", "10.1.2.3"]).Urls).ToString());
    }

    [Fact]
    public void Settings_built_in_code_start_from_the_defaults_an_empty_configuration_gets()
    {
        // Unit tests build PluginSettings by hand; they must start where the plugin starts.
        Assert.Equal(Effective(Load([])), Effective(new PluginSettings()));
    }

    [Theory]
    [InlineData("DOCKER_HOST, else unix:///var/run/docker.sock", "unix:///var/run/docker.sock")]
    [InlineData("`DOCKER_HOST`, else `unix:///var/run/docker.sock`", "unix:///var/run/docker.sock")]
    [InlineData("`0s` (off)", "0s")]
    [InlineData("(none; `$DOCKER_CERT_PATH/cert.pem` likewise)", "(none)")]
    [InlineData("(first network by name)", "(first network by name)")]
    [InlineData("`a`, `b`", "a,b")]
    [InlineData("a,b", "a,b")]
    [InlineData("`k=<component>`", "k=p,k=q")]
    [InlineData("`x/<component>`, `*/x/<component>`", "x/p,*/x/p,x/q,*/x/q")]
    public void The_default_cells_are_read_as_a_user_would_read_them(string cell, string value)
    {
        Assert.Equal(value, DocumentedValue(cell, ["p", "q"]));
    }

    /// <summary>Every property of the settings as text, so that two settings compare as the plugin would use them.</summary>
    internal static string[] Effective(PluginSettings settings) =>
        [.. typeof(PluginSettings).GetProperties().OrderBy(property => property.Name, StringComparer.Ordinal)
            .Select(property => $"{property.Name} = {Text(property.GetValue(settings))}")];

    private static string Text(object? value) => value switch
    {
        null => "null",
        string text => text,
        ContainerSelection selection => $"{selection}; components {string.Join(",", selection.Components)}",
        IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(Text))}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static PluginSettings Load(string[] args, IDictionary? environment = null) =>
        SettingsLoader.Load(CommandLine.Parse(args), environment ?? new Hashtable());

    /// <summary>
    /// The value a default cell of the README (or a default of --help) names, as it would be written on the command
    /// line, or in parentheses what it says applies when the key is unset: "(none)", "(all)".
    /// </summary>
    private static string DocumentedValue(string text, IReadOnlyList<string> components)
    {
        if (text.StartsWith('('))
        {
            return Regex.Match(text, @"^\([^;)]*").Value + ")";
        }

        // "DOCKER_HOST, else …": the test environment has no DOCKER_HOST.
        const string Otherwise = ", else ";
        int otherwise = text.IndexOf(Otherwise, StringComparison.Ordinal);
        text = otherwise < 0 ? text : text[(otherwise + Otherwise.Length)..];
        text = Regex.Replace(text, @" \([^)]*\)$", string.Empty);

        string[] values = [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(item => item.Trim('`'))];

        // "`jitsi/<component>`, `*/jitsi/<component>`": each form for each component, component by component.
        return string.Join(",", values.Any(value => value.Contains("<component>", StringComparison.Ordinal))
            ? components.SelectMany(component => values.Select(value => value.Replace("<component>", component, StringComparison.Ordinal)))
            : values);
    }

    /// <summary>The rows of the README table whose header is <see cref="TableHeader"/>, wherever the README puts it.</summary>
    private static KeyRow[] ReadmeKeyTable()
    {
        string text = MarkdownFile.Readme.Text;
        int header = text.IndexOf($"\n{TableHeader}\n", StringComparison.Ordinal);
        Assert.True(header >= 0, $"the README has no table headed {TableHeader}");
        Assert.Equal(header, text.LastIndexOf($"\n{TableHeader}\n", StringComparison.Ordinal));
        var rows = new List<KeyRow>();
        foreach (string line in text[(header + TableHeader.Length + 2)..].Split('\n').Skip(1).TakeWhile(line => line.StartsWith('|')))
        {
            Match row = KeyTableRow().Match(line);
            Assert.True(row.Success, $"not a key row: {line}");
            rows.Add(new KeyRow(row.Groups["key"].Value, row.Groups["default"].Value, row.Groups["env"].Value));
        }

        return [.. rows];
    }

    private sealed record KeyRow(string Key, string Default, string Environment);

    [GeneratedRegex(@"^\| `(?<key>[a-z_]+)` \| (?<default>[^|]+?) \| `(?<env>[A-Z_]+)` \| [^|]+ \|$")]
    private static partial Regex KeyTableRow();

    [GeneratedRegex(@"^  --(?<key>[a-z_]+) {2,}[^\n]*\n {4,}default: (?<default>[^\n]*); env: (?<env>[A-Z_]+)$", RegexOptions.Multiline)]
    private static partial Regex HelpOption();
}
