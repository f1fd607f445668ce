namespace ExecdJvb.Tests;

public sealed class AddressResolverTests
{
    private static DiscoveredContainer Container(
        string networkMode = "meetup",
        Dictionary<string, string>? networks = null,
        PublishedPort[]? ports = null,
        Dictionary<string, string>? labels = null) =>
        new("id", "wa-jitsi-jvb", "jitsi/jvb:stable-9779", labels ?? [], networkMode,
            networks ?? new Dictionary<string, string> { ["workadventure"] = "172.20.0.5", ["meetup"] = "172.21.0.7" },
            ports ?? []);

    private static string? Resolve(AddressMode mode, DiscoveredContainer container, string? network = null) =>
        new AddressResolver(mode, network, 8080, "/colibri/stats").Resolve(container).StatsUri?.ToString();

    [Fact]
    public void Auto_prefers_host_network_then_a_published_port_then_the_network_ip()
    {
        Assert.Equal("http://127.0.0.1:8080/colibri/stats", Resolve(AddressMode.Auto, Container("host", [])));
        Assert.Equal("http://127.0.0.1:18080/colibri/stats", Resolve(AddressMode.Auto, Container(ports: [new("127.0.0.1", 18080, 8080, "tcp")])));
        Assert.Equal("http://172.21.0.7:8080/colibri/stats", Resolve(AddressMode.Auto, Container()));
    }

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "127.0.0.1")]
    [InlineData("", "127.0.0.1")]
    [InlineData("192.0.2.10", "192.0.2.10")]
    public void A_wildcard_binding_is_read_on_the_loopback(string hostIp, string expectedHost)
    {
        Assert.Equal($"http://{expectedHost}:8081/colibri/stats", Resolve(AddressMode.Published, Container(ports: [new(hostIp, 8081, 8080, "tcp")])));
    }

    [Fact]
    public void Only_the_tcp_binding_of_the_configured_port_counts_and_ipv4_comes_first()
    {
        PublishedPort[] ports = [new("::", 9001, 8080, "tcp"), new("0.0.0.0", 9000, 8080, "udp"), new("0.0.0.0", 9002, 10000, "tcp"), new("0.0.0.0", 9003, 8080, "tcp")];

        Assert.Equal("http://127.0.0.1:9003/colibri/stats", Resolve(AddressMode.Published, Container(ports: ports)));
        Assert.Null(Resolve(AddressMode.Published, Container(ports: [new("0.0.0.0", 9000, 8080, "udp")])));
    }

    [Fact]
    public void Network_mode_uses_the_named_network_or_else_the_first_by_name()
    {
        Assert.Equal("http://172.20.0.5:8080/colibri/stats", Resolve(AddressMode.Network, Container(), "workadventure"));
        Assert.Equal("http://172.21.0.7:8080/colibri/stats", Resolve(AddressMode.Network, Container()));
        Assert.Null(Resolve(AddressMode.Network, Container(), "jitsi"));
        Assert.Null(Resolve(AddressMode.Network, Container(networks: [])));
    }

    [Fact]
    public void Host_mode_refuses_a_container_that_is_not_on_the_host_network()
    {
        ResolvedAddress address = new AddressResolver(AddressMode.Host, null, 8080, "/colibri/stats").Resolve(Container());

        Assert.False(address.Found);
        Assert.Equal("address = \"host\" but the container's network mode is \"meetup\"", address.How);
    }

    [Fact]
    public void Port_and_path_labels_override_the_options_for_that_container()
    {
        var labels = new Dictionary<string, string> { [AddressResolver.PortLabel] = "8090", [AddressResolver.PathLabel] = "/stats" };

        Assert.Equal("http://127.0.0.1:8090/stats", Resolve(AddressMode.Auto, Container("host", labels: labels)));
        Assert.Equal("http://127.0.0.1:9090/stats", Resolve(AddressMode.Auto, Container(ports: [new("0.0.0.0", 9090, 8090, "tcp")], labels: labels)));
    }

    [Theory]
    [InlineData(AddressResolver.PortLabel, "http")]
    [InlineData(AddressResolver.PortLabel, "70000")]
    [InlineData(AddressResolver.PathLabel, "stats")]
    public void A_bad_override_label_is_reported_not_used(string label, string value)
    {
        ResolvedAddress address = new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats")
            .Resolve(Container("host", labels: new Dictionary<string, string> { [label] = value }));

        Assert.False(address.Found);
        Assert.Contains(label, address.How);
    }

    [Theory]
    [InlineData(null, null, "unix:///var/run/docker.sock")]
    [InlineData(null, "tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    [InlineData("unix:///run/user/1000/docker.sock", "tcp://127.0.0.1:2375", "unix:///run/user/1000/docker.sock")]
    public void The_endpoint_is_the_option_then_DOCKER_HOST_then_the_local_socket(string? configured, string? dockerHost, string expected)
    {
        string[] args = configured is null ? [] : ["--endpoint", configured];
        var environment = new System.Collections.Hashtable();
        if (dockerHost is not null)
        {
            environment["DOCKER_HOST"] = dockerHost;
        }

        Assert.Equal(expected, SettingsLoader.Load(CommandLine.Parse(args), environment).DockerEndpoint.OriginalString);
    }

    [Theory]
    [InlineData("/var/run/docker.sock")]
    [InlineData("http://127.0.0.1:2375")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("unix://")]
    public void A_bad_endpoint_is_a_configuration_error(string endpoint)
    {
        ConfigurationException error = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(CommandLine.Parse(["--endpoint", endpoint]), new System.Collections.Hashtable()));

        Assert.StartsWith($"invalid endpoint \"{endpoint}\"", error.Message);
    }
}
