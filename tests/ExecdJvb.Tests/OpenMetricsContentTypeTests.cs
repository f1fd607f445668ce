
namespace ExecdJvb.Tests;

public sealed class OpenMetricsContentTypeTests
{
    [Theory]
    [InlineData("application/openmetrics-text")]
    [InlineData("application/openmetrics-text; version=0.0.4")]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8")]
    [InlineData("Application/OpenMetrics-Text; Version=1.0.0")]
    [InlineData("  application/openmetrics-text  ;version=2.0.0")]
    [InlineData("application/openmetrics-text; charset=\"utf-8\"")]
    [InlineData("application/openmetrics-text; version=1.0.0;")]
    [InlineData("application/openmetrics-text; version=1; VERSION=1")]
    [InlineData("application/openmetrics-text; a=\"\"")]
    public void The_OpenMetrics_text_media_type_with_any_parameters_chooses_the_OpenMetrics_parser(string contentType)
    {
        Assert.True(OpenMetricsContentType.IsOpenMetrics(contentType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain; version=0.0.4; charset=utf-8")]
    [InlineData("text/html")]
    [InlineData("application/openmetrics-protobuf; version=1.0.0")]
    [InlineData("application/openmetrics-textual")]
    [InlineData("application/openmetrics")]
    [InlineData("application/openmetrics-text version=1.0.0")]
    public void Any_other_media_type_or_none_chooses_the_Prometheus_parser(string? contentType)
    {
        Assert.False(OpenMetricsContentType.IsOpenMetrics(contentType));
    }

    /// <summary>Go's mime.ParseMediaType refuses these, and AcceptsContent answers false for a value it refuses.</summary>
    [Theory]
    [InlineData("application/openmetrics-text; version")]
    [InlineData("application/openmetrics-text; version=")]
    [InlineData("application/openmetrics-text; version=\"1.0.0")]
    [InlineData("application/openmetrics-text; version=1; version=2")]
    [InlineData("application/openmetrics-text; ;version=1")]
    [InlineData("application/openmetrics-text; a=b c")]
    public void A_Content_Type_whose_parameters_Go_cannot_read_chooses_the_Prometheus_parser(string contentType)
    {
        Assert.False(OpenMetricsContentType.IsOpenMetrics(contentType));
    }

    [Fact]
    public void Prosodys_captured_header_chooses_the_OpenMetrics_parser()
    {
        string header = File.ReadAllLines(TestData.PathOf("prosody", "metrics-0.12.3-openmetrics.headers"))
            .Single(line => line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase));

        Assert.True(OpenMetricsContentType.IsOpenMetrics(header["Content-Type:".Length..].Trim()));
    }
}
