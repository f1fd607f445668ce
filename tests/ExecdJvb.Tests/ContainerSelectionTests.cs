namespace ExecdJvb.Tests;

public sealed class ContainerSelectionTests
{
    private static readonly ContainerSelection BuiltIn = new(
        [new("com.docker.compose.service", "jvb")],
        [.. ContainerSelection.DefaultImageInclude.Select(glob => new GlobPattern(glob))],
        [],
        []);

    [Theory]
    [InlineData("jitsi/jvb:stable-9779", "jitsi/jvb")]
    [InlineData("ghcr.io/jitsi/jvb:stable-11146", "ghcr.io/jitsi/jvb")]
    [InlineData("registry.local:5000/mirror/jitsi/jvb", "registry.local:5000/mirror/jitsi/jvb")]
    [InlineData("registry.local:5000/jitsi/jvb:latest", "registry.local:5000/jitsi/jvb")]
    [InlineData("jitsi/jvb@sha256:0123abcd", "jitsi/jvb")]
    [InlineData("jitsi/jvb:stable@sha256:0123abcd", "jitsi/jvb")]
    public void The_repository_is_the_reference_without_tag_or_digest(string image, string repository)
    {
        Assert.Equal(repository, ContainerSelection.RepositoryOf(image));
    }

    [Theory]
    [InlineData("jitsi/jvb:stable-9779", true)]
    [InlineData("jitsi/jvb", true)]
    [InlineData("ghcr.io/jitsi/jvb:stable-11146", true)]
    [InlineData("docker.io/jitsi/jvb:unstable", true)]
    [InlineData("mirror.example:5000/dockerhub/jitsi/jvb:stable-9779", true)]
    [InlineData("jitsi/jicofo:stable-9779", false)]
    [InlineData("jitsi/jvb-exporter:1", false)]
    [InlineData("myjitsi/jvb:1", false)]
    public void The_built_in_rule_takes_the_jitsi_jvb_image_from_any_registry_and_tag(string image, bool expected)
    {
        Assert.Equal(expected, BuiltIn.Selects("c", new Dictionary<string, string>(), image));
    }

    [Fact]
    public void The_built_in_rule_takes_docker_jitsi_meets_label_whatever_the_image()
    {
        Assert.True(BuiltIn.Selects("jitsi-jvb-1", new Dictionary<string, string> { ["com.docker.compose.service"] = "jvb" }, "my/own:1"));
        Assert.False(BuiltIn.Selects("jitsi-web-1", new Dictionary<string, string> { ["com.docker.compose.service"] = "web" }, "jitsi/web:1"));
    }

    [Fact]
    public void Name_globs_narrow_the_jvbs_include_first_then_exclude()
    {
        var selection = new ContainerSelection(
            [new("com.docker.compose.service", "jvb")],
            [],
            [new GlobPattern("prod-*"), new GlobPattern("wa-jitsi-jvb")],
            [new GlobPattern("*-canary")]);
        var jvb = new Dictionary<string, string> { ["com.docker.compose.service"] = "jvb" };

        Assert.True(selection.Selects("prod-jvb-1", jvb, "x"));
        Assert.True(selection.Selects("wa-jitsi-jvb", jvb, "x"));
        Assert.False(selection.Selects("prod-jvb-canary", jvb, "x"));
        Assert.False(selection.Selects("test-jvb-1", jvb, "x"));
        Assert.False(selection.Selects("prod-web-1", new Dictionary<string, string>(), "jitsi/jvb:1"));
    }

    [Fact]
    public void Its_description_names_every_rule_for_the_no_jvb_found_line()
    {
        Assert.Equal("label com.docker.compose.service=jvb or image jitsi/jvb or */jitsi/jvb", BuiltIn.ToString());
    }
}
