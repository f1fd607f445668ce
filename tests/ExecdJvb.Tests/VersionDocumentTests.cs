using System.Text;

namespace ExecdJvb.Tests;

public sealed class VersionDocumentTests
{
    [Fact]
    public void The_about_version_fixture_gives_the_JVB_version()
    {
        Assert.True(VersionDocument.TryRead(TestData.Bytes("jvb", "about-version.json"), out string? version, out string? problem), problem);

        Assert.Equal("2.3.168-g28674f78", version);
    }

    [Fact]
    public void Only_the_top_level_version_counts_whatever_comes_before_it()
    {
        Assert.True(VersionDocument.TryRead("""{"name":"JVB","about":{"version":"nested"},"list":[1,{"version":"x"}],"version":"  2.1-508-gb24f756c "}"""u8, out string? version, out _));

        Assert.Equal("2.1-508-gb24f756c", version);
    }

    [Theory]
    [InlineData("", "not JSON")]
    [InlineData("<html>404</html>", "not JSON")]
    [InlineData("""["2.3"]""", "not a JSON object")]
    [InlineData("""{"name":"JVB","os":"Linux"}""", "no \"version\" string")]
    [InlineData("""{"version":2.3}""", "no \"version\" string")]
    [InlineData("""{"version":""}""", "not a short line of text")]
    [InlineData("""{"version":"2.3\n168"}""", "not a short line of text")]
    [InlineData("""{"name":"JVB",""", "not JSON")]
    public void An_answer_without_a_usable_version_says_why(string body, string reason)
    {
        Assert.False(VersionDocument.TryRead(Encoding.UTF8.GetBytes(body), out string? version, out string? problem));

        Assert.Null(version);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_longer_than_a_version_is_refused_and_shown_shortened()
    {
        string body = $$"""{"version":"{{new string('9', VersionDocument.MaxLength + 1)}}"}""";

        Assert.False(VersionDocument.TryRead(Encoding.UTF8.GetBytes(body), out _, out string? problem));

        Assert.True(problem.Length < 100, problem);
    }

    [Fact]
    public void Invalid_UTF_8_in_the_version_is_not_JSON()
    {
        Assert.False(VersionDocument.TryRead([.. "{\"version\":\"2."u8, 0xFF, .. "\"}"u8], out _, out string? problem));

        Assert.Contains("not JSON", problem, StringComparison.Ordinal);
    }
}
