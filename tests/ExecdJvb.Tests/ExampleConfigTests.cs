using System.Collections;
using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// plugin/execd-jvb.example.json ships in every release tarball as the file operators start from: it must
/// load, say what the defaults really are, and mention every key the plugin knows; telegraf-sample.conf names
/// keys only as the plugin takes them.
/// </summary>
public sealed partial class ExampleConfigTests
{
    private static readonly string ExamplePath = Path.Combine(RepositoryPaths.Root, "plugin", "execd-jvb.example.json");

    [Fact]
    public void The_example_config_loads_and_behaves_exactly_like_an_empty_one()
    {
        PluginSettings example = SettingsLoader.Load(CommandLine.Parse(["--config", ExamplePath]), new Hashtable());
        PluginSettings defaults = SettingsLoader.Load(CommandLine.Parse([]), new Hashtable());

        Assert.Equal(OptionsTests.Effective(defaults), OptionsTests.Effective(example));
    }

    [Fact]
    public void The_example_config_names_every_key_the_plugin_knows_and_no_other()
    {
        // Keys left at their built-in default appear commented out ("// "key": ..."), the others set.
        string[] mentioned = [.. KeyLine().Matches(File.ReadAllText(ExamplePath)).Select(match => match.Groups["key"].Value).Distinct()];

        Assert.Equal(Options.All.Select(option => option.Key).Order(), mentioned.Order());
    }

    [Fact]
    public void The_commented_out_urls_line_of_the_example_works_once_uncommented()
    {
        string folder = Directory.CreateTempSubdirectory("execd-jvb-example-").FullName;
        try
        {
            string path = Path.Combine(folder, "execd-jvb.json");
            File.WriteAllText(path, File.ReadAllText(ExamplePath).Replace("// \"urls\":", "\"urls\":", StringComparison.Ordinal));

            PluginSettings settings = SettingsLoader.Load(CommandLine.Parse(["--config", path]), new Hashtable());

            Assert.Equal(["http://127.0.0.1:8080/colibri/stats", "http://127.0.0.1:8888/stats"], settings.Urls.Select(url => url.ToString()));
            Assert.Equal(
                "urls is set, so discovery is off and components, loopback, address, container_label_include, container_image_include are ignored",
                Assert.Single(settings.Warnings));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Every_variable_telegraf_sample_conf_sets_is_a_key_the_plugin_takes_with_a_value_it_accepts()
    {
        string sample = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "telegraf-sample.conf"));

        Match[] settings = [.. EnvironmentSetting().Matches(sample).Cast<Match>()];

        Assert.NotEmpty(settings);
        foreach (Match setting in settings)
        {
            // An unknown variable or a bad value throws.
            SettingsLoader.Load(CommandLine.Parse([]), new Hashtable { [setting.Groups["name"].Value] = setting.Groups["value"].Value });
        }
    }

    [GeneratedRegex("""(?<name>EXECD_JVB_[A-Z_]+)=(?<value>[^"]*)""")]
    private static partial Regex EnvironmentSetting();

    [GeneratedRegex("""^\s*(?://\s*)?"(?<key>[a-z_]+)"\s*:""", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
