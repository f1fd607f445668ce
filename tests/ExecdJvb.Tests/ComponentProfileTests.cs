using System.Collections;

namespace ExecdJvb.Tests;

public sealed class ComponentProfileTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/colibri/stats", "jvb")]
    [InlineData("https://meet.example/jvb1/colibri/stats", "jvb")]
    [InlineData("http://127.0.0.1:8080/metrics", "jvb")]
    [InlineData("http://10.0.0.5:9090/custom", "jvb")]
    [InlineData("http://127.0.0.1:8888/stats", "jicofo")]
    [InlineData("http://127.0.0.1:8888/metrics", "jicofo")]
    [InlineData("http://127.0.0.1:18888/stats", "jicofo")]
    [InlineData("http://127.0.0.1:8788/about/stats", "jigasi")]
    public void A_listed_URL_names_its_component_by_its_path_or_for_metrics_by_its_port(string url, string component)
    {
        Assert.Equal(component, ComponentProfile.ForUrl(new Uri(url)).Key);
    }

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:8080/colibri/stats")]
    [InlineData("127.0.0.1:8888", "http://127.0.0.1:8888/stats")]
    [InlineData("http://127.0.0.1:8788", "http://127.0.0.1:8788/about/stats")]
    [InlineData("http://127.0.0.1:9999", "http://127.0.0.1:9999/colibri/stats")]
    public void A_URL_without_a_path_gets_the_path_of_the_component_whose_port_it_names(string entry, string expected)
    {
        PluginSettings settings = SettingsLoader.Load(CommandLine.Parse(["--urls", entry]), new Hashtable());

        Assert.Equal(expected, Assert.Single(settings.Urls).ToString());
    }

    [Fact]
    public void The_components_option_takes_component_names_and_refuses_others()
    {
        PluginSettings jvbOnly = SettingsLoader.Load(CommandLine.Parse(["--components", "jvb"]), new Hashtable());

        Assert.Equal([JitsiComponent.Jvb], jvbOnly.Selection.Components);
        ConfigurationException refused = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(CommandLine.Parse(["--components", "jvb,web"]), new Hashtable()));
        Assert.Equal("invalid components entry \"web\": expected jvb, jicofo, prosody, jigasi", refused.Message);
    }
}
