namespace ExecdJvb.Tests;

/// <summary>Which setting a failure's line names, per component, endpoint and kind of failure.</summary>
public sealed class ApiSettingHintTests
{
    [Theory]
    [InlineData("jvb", "/colibri/stats", 404, nameof(FetchFailureKind.HttpStatus), "HTTP 404 Not Found: the JVB's colibri REST API is off; enable it with COLIBRI_REST_ENABLED=true in docker-jitsi-meet's .env (videobridge.apis.rest.enabled = true in jvb.conf)")]
    [InlineData("jvb", "/metrics", 404, nameof(FetchFailureKind.HttpStatus), "HTTP 404 Not Found: the JVB's /metrics is off; enable it with videobridge.rest.prometheus.enabled = true in jvb.conf")]
    [InlineData("jvb", "/stats", 404, nameof(FetchFailureKind.HttpStatus), "HTTP 404 Not Found: check stats_path")]
    [InlineData("jvb", "/colibri/stats", 0, nameof(FetchFailureKind.Refused), "connection refused")]
    [InlineData("jvb", "/colibri/stats", 503, nameof(FetchFailureKind.HttpStatus), "HTTP 503 Service Unavailable")]
    [InlineData("jicofo", "/stats", 0, nameof(FetchFailureKind.Refused), "connection refused: Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)")]
    [InlineData("jicofo", "/stats", 0, nameof(FetchFailureKind.Closed), "closed: Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)")]
    [InlineData("jicofo", "/stats", 0, nameof(FetchFailureKind.TimedOut), "timeout: Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)")]
    [InlineData("jicofo", "/stats", 0, nameof(FetchFailureKind.Dns), "dns")]
    [InlineData("jicofo", "/stats", 0, nameof(FetchFailureKind.Tls), "tls")]
    [InlineData("jicofo", "/metrics", 404, nameof(FetchFailureKind.HttpStatus), "HTTP 404 Not Found: Jicofo's /metrics is off; enable it with jicofo.rest.prometheus.enabled = true in jicofo.conf")]
    [InlineData("jicofo", "/stats", 404, nameof(FetchFailureKind.HttpStatus), "HTTP 404 Not Found")]
    [InlineData("jigasi", "/about/stats", 0, nameof(FetchFailureKind.Broken), "broken: Jigasi's REST API listens only inside its container unless JIGASI_ENABLE_REST=1 is set in docker-jitsi-meet's .env (org.jitsi.jigasi.rest.jetty.host in sip-communicator.properties)")]
    [InlineData("jigasi", "/about/stats", 404, nameof(FetchFailureKind.HttpStatus), "HTTP 404 Not Found")]
    public void A_failure_names_the_setting_that_opens_the_endpoint_where_one_is_known(string component, string path, int status, string kind, string expected)
    {
        string bare = expected.Split(": ")[0];
        var failure = new FetchFailure(Enum.Parse<FetchFailureKind>(kind), bare) { Status = status };

        FetchFailure hinted = ApiSettingHint.Add(ComponentProfile.ByKey(component)!, new Uri($"http://127.0.0.1:1{path}"), status, failure);

        Assert.Equal(failure with { Message = expected }, hinted);
        Assert.Equal(expected, hinted.Message);
    }
}
