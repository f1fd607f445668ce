namespace ExecdJvb.Tests;

/// <summary>Which setting a failure's line names, per component, endpoint and kind of failure.</summary>
public sealed class ApiSettingHintTests
{
    [Theory]
    [InlineData("jvb", "/colibri/stats", 404, "http-404", "HTTP 404 Not Found: the JVB's colibri REST API is off; enable it with COLIBRI_REST_ENABLED=true in docker-jitsi-meet's .env (videobridge.apis.rest.enabled = true in jvb.conf)")]
    [InlineData("jvb", "/metrics", 404, "http-404", "HTTP 404 Not Found: the JVB's /metrics is off; enable it with videobridge.rest.prometheus.enabled = true in jvb.conf")]
    [InlineData("jvb", "/stats", 404, "http-404", "HTTP 404 Not Found: check stats_path")]
    [InlineData("jvb", "/colibri/stats", 0, "refused", "connection refused")]
    [InlineData("jvb", "/colibri/stats", 503, "http-503", "HTTP 503 Service Unavailable")]
    [InlineData("jicofo", "/stats", 0, "refused", "connection refused: Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)")]
    [InlineData("jicofo", "/stats", 0, "closed", "closed: Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)")]
    [InlineData("jicofo", "/stats", 0, "timeout", "timeout: Jicofo's REST API listens only inside its container unless JICOFO_ENABLE_REST=1 is set in docker-jitsi-meet's .env (jicofo.rest.host in jicofo.conf)")]
    [InlineData("jicofo", "/stats", 0, "dns", "dns")]
    [InlineData("jicofo", "/stats", 0, "tls", "tls")]
    [InlineData("jicofo", "/metrics", 404, "http-404", "HTTP 404 Not Found: Jicofo's /metrics is off; enable it with jicofo.rest.prometheus.enabled = true in jicofo.conf")]
    [InlineData("jicofo", "/stats", 404, "http-404", "HTTP 404 Not Found")]
    [InlineData("jigasi", "/about/stats", 0, "broken", "broken: Jigasi's REST API listens only inside its container unless JIGASI_ENABLE_REST=1 is set in docker-jitsi-meet's .env (org.jitsi.jigasi.rest.jetty.host in sip-communicator.properties)")]
    [InlineData("jigasi", "/about/stats", 404, "http-404", "HTTP 404 Not Found")]
    public void A_failure_names_the_setting_that_opens_the_endpoint_where_one_is_known(string component, string path, int status, string cause, string expected)
    {
        string bare = expected.Split(": ")[0];
        var failure = new FetchFailure(cause, bare);

        FetchFailure hinted = ApiSettingHint.Add(ComponentProfile.ByKey(component)!, new Uri($"http://127.0.0.1:1{path}"), status, failure);

        Assert.Equal(cause, hinted.Cause);
        Assert.Equal(expected, hinted.Message);
    }
}
