using Microsoft.Extensions.Configuration;

namespace ExecdJvb.Configuration;

/// <summary>
/// Configuration as written by the user (JSON file, EXECD_JVB_* environment, --key value), bound by the
/// configuration binder's source generator. Values stay text here so a bad one is reported with its
/// key and the form expected, rather than as a binder exception.
/// </summary>
internal sealed class PluginOptions
{
    [ConfigurationKeyName("measurement")]
    public string? Measurement { get; set; }

    [ConfigurationKeyName("port")]
    public string? Port { get; set; }

    [ConfigurationKeyName("stats_path")]
    public string? StatsPath { get; set; }

    [ConfigurationKeyName("timeout")]
    public string? Timeout { get; set; }

    [ConfigurationKeyName("max_body_size")]
    public string? MaxBodySize { get; set; }

    [ConfigurationKeyName("poll_interval")]
    public string? PollInterval { get; set; }

    [ConfigurationKeyName("endpoint")]
    public string? Endpoint { get; set; }

    [ConfigurationKeyName("address")]
    public string? Address { get; set; }

    [ConfigurationKeyName("network")]
    public string? Network { get; set; }

    [ConfigurationKeyName("tls_ca")]
    public string? TlsCa { get; set; }

    [ConfigurationKeyName("tls_cert")]
    public string? TlsCert { get; set; }

    [ConfigurationKeyName("tls_key")]
    public string? TlsKey { get; set; }

    [ConfigurationKeyName("insecure_skip_verify")]
    public string? InsecureSkipVerify { get; set; }

    [ConfigurationKeyName("source")]
    public string? Source { get; set; }

    [ConfigurationKeyName("metrics_schema")]
    public string? MetricsSchema { get; set; }

    [ConfigurationKeyName("tag_version")]
    public string? TagVersion { get; set; }

    [ConfigurationKeyName("debug")]
    public string? Debug { get; set; }

    [ConfigurationKeyName("loopback")]
    public string? Loopback { get; set; }

    [ConfigurationKeyName("report_unreachable")]
    public string? ReportUnreachable { get; set; }

    [ConfigurationKeyName("self_measurement")]
    public string? SelfMeasurement { get; set; }
}
