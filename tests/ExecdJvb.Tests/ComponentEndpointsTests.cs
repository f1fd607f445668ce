namespace ExecdJvb.Tests;

public sealed class ComponentEndpointsTests
{
    [Fact]
    public void A_JVB_read_directly_has_metrics_health_and_version_at_the_root_of_its_stats_URL()
    {
        ComponentEndpoints endpoints = ComponentEndpoints.From(ComponentProfile.Jvb, new Uri("http://127.0.0.1:8080/colibri/stats"));

        Assert.False(endpoints.MetricsOnly);
        Assert.Equal("http://127.0.0.1:8080/colibri/stats", endpoints.Json!.ToString());
        Assert.Equal("http://127.0.0.1:8080/metrics", endpoints.Metrics!.ToString());
        Assert.Equal("http://127.0.0.1:8080/about/health", endpoints.Health!.ToString());
        Assert.Equal("http://127.0.0.1:8080/about/version", endpoints.Version!.ToString());
    }

    [Fact]
    public void A_JVB_behind_a_reverse_proxy_keeps_the_path_prefix_the_credentials_and_the_port_but_not_the_query()
    {
        ComponentEndpoints endpoints = ComponentEndpoints.From(ComponentProfile.Jvb, new Uri("https://monitor:s3cret@meet.example:8443/jvb1/colibri/stats?pretty=1"));

        Assert.Equal("https://monitor:s3cret@meet.example:8443/jvb1/metrics", endpoints.Metrics!.AbsoluteUri);
        Assert.Equal("https://monitor:s3cret@meet.example:8443/jvb1/about/health", endpoints.Health!.AbsoluteUri);
        Assert.Equal("https://monitor:s3cret@meet.example:8443/jvb1/about/version", endpoints.Version!.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://10.0.0.5:8081/stats", "http://10.0.0.5:8081/metrics")]
    [InlineData("http://[::1]:8080/colibri/stats", "http://[::1]:8080/metrics")]
    [InlineData("http://jvb:8080/colibri/stats/", "http://jvb:8080/metrics")]
    public void Any_other_stats_path_has_its_siblings_at_the_root(string stats, string metrics)
    {
        Assert.Equal(metrics, ComponentEndpoints.From(ComponentProfile.Jvb, new Uri(stats)).Metrics!.AbsoluteUri);
    }

    [Fact]
    public void A_URL_that_ends_in_metrics_is_that_JVBs_metrics_and_it_has_no_colibri_to_ask()
    {
        ComponentEndpoints endpoints = ComponentEndpoints.From(ComponentProfile.Jvb, new Uri("http://127.0.0.1:8080/metrics"));

        Assert.True(endpoints.MetricsOnly);
        Assert.Null(endpoints.Json);
        Assert.Equal("http://127.0.0.1:8080/metrics", endpoints.Metrics!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8080/about/health", endpoints.Health!.AbsoluteUri);
    }

    [Fact]
    public void Jicofo_has_its_stats_metrics_health_and_version_beside_each_other()
    {
        ComponentEndpoints endpoints = ComponentEndpoints.From(ComponentProfile.Jicofo, new Uri("http://127.0.0.1:8888/stats"));

        Assert.Equal("http://127.0.0.1:8888/stats", endpoints.Json!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8888/metrics", endpoints.Metrics!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8888/about/health", endpoints.Health!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8888/about/version", endpoints.Version!.AbsoluteUri);
    }

    [Fact]
    public void A_Jicofo_URL_that_ends_in_metrics_is_read_there_only()
    {
        ComponentEndpoints endpoints = ComponentEndpoints.From(ComponentProfile.Jicofo, new Uri("http://127.0.0.1:8888/metrics"));

        Assert.True(endpoints.MetricsOnly);
        Assert.Equal("http://127.0.0.1:8888/metrics", endpoints.Metrics!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8888/about/health", endpoints.Health!.AbsoluteUri);
    }

    [Fact]
    public void Jigasi_has_its_stats_health_and_version_but_no_metrics()
    {
        ComponentEndpoints endpoints = ComponentEndpoints.From(ComponentProfile.Jigasi, new Uri("http://127.0.0.1:8788/about/stats"));

        Assert.Equal("http://127.0.0.1:8788/about/stats", endpoints.Json!.AbsoluteUri);
        Assert.Null(endpoints.Metrics);
        Assert.Equal("http://127.0.0.1:8788/about/health", endpoints.Health!.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:8788/about/version", endpoints.Version!.AbsoluteUri);
    }
}
