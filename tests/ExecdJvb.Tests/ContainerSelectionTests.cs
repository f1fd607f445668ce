namespace ExecdJvb.Tests;

public sealed class ContainerSelectionTests
{
    private static readonly ContainerSelection BuiltIn = new(
        [new("com.docker.compose.service", "jvb")],
        [new GlobPattern("jitsi/jvb"), new GlobPattern("*/jitsi/jvb")],
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
        Assert.Equal(expected, IsTaken(BuiltIn, "c", new Dictionary<string, string>(), image));
    }

    [Fact]
    public void The_built_in_rule_takes_docker_jitsi_meets_label_whatever_the_image()
    {
        Assert.True(IsTaken(BuiltIn, "jitsi-jvb-1", new Dictionary<string, string> { ["com.docker.compose.service"] = "jvb" }, "my/own:1"));
        Assert.False(IsTaken(BuiltIn, "jitsi-web-1", new Dictionary<string, string> { ["com.docker.compose.service"] = "web" }, "jitsi/web:1"));
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

        Assert.True(IsTaken(selection, "prod-jvb-1", jvb, "x"));
        Assert.True(IsTaken(selection, "wa-jitsi-jvb", jvb, "x"));
        Assert.False(IsTaken(selection, "prod-jvb-canary", jvb, "x"));
        Assert.False(IsTaken(selection, "test-jvb-1", jvb, "x"));
        Assert.False(IsTaken(selection, "prod-web-1", new Dictionary<string, string>(), "jitsi/jvb:1"));
    }

    [Fact]
    public void Its_description_names_every_rule_for_the_no_jvb_found_line()
    {
        Assert.Equal("label com.docker.compose.service=jvb or image jitsi/jvb or */jitsi/jvb", BuiltIn.ToString());
        Assert.Equal("label com.docker.compose.service=jvb|jicofo|prosody|jigasi or image [*/]jitsi/jvb|jicofo|prosody|jigasi", ContainerSelection.BuiltIn.ToString());
    }

    [Theory]
    [InlineData("jvb", "jitsi/jvb:stable-9779", "jvb")]
    [InlineData("jicofo", "ghcr.io/jitsi/jicofo:stable-11146", "jicofo")]
    [InlineData("jigasi", "jitsi/jigasi:stable-9779", "jigasi")]
    [InlineData(null, "ghcr.io/jitsi/jicofo:stable-11146", "jicofo")]
    [InlineData(null, "mirror.example:5000/jitsi/jigasi", "jigasi")]
    [InlineData("jicofo", "my/own-focus:1", "jicofo")]
    public void The_built_in_rule_takes_every_component_docker_jitsi_meet_runs_by_its_service_label_or_image(string? service, string image, string expected)
    {
        Dictionary<string, string> labels = service is null ? [] : new() { ["com.docker.compose.service"] = service };

        Assert.Equal(ComponentProfile.ByKey(expected)!.Component, ContainerSelection.BuiltIn.Select("c", labels, image));
    }

    [Theory]
    [InlineData("web", "jitsi/web:stable-9779")]
    [InlineData("jibri", "jitsi/jibri:stable-9779")]
    [InlineData(null, "jitsi/jicofo-exporter:1")]
    [InlineData(null, "prosody/prosody:0.12")]
    public void The_built_in_rule_leaves_other_containers_alone(string? service, string image)
    {
        Dictionary<string, string> labels = service is null ? [] : new() { ["com.docker.compose.service"] = service };

        Assert.Null(ContainerSelection.BuiltIn.Select("c", labels, image));
    }

    [Fact]
    public void The_components_option_narrows_the_rule_and_a_container_a_configured_rule_takes_without_a_component_name_is_a_JVB()
    {
        ContainerSelection jvbAndJicofo = ContainerSelection.BuiltIn.WithComponents([JitsiComponent.Jvb, JitsiComponent.Jicofo]);
        var custom = new ContainerSelection([new("role", "media")], [], [], []);

        Assert.Null(jvbAndJicofo.Select("c", new Dictionary<string, string>(), "jitsi/jigasi:1"));
        Assert.Equal(JitsiComponent.Jicofo, jvbAndJicofo.Select("c", new Dictionary<string, string>(), "jitsi/jicofo:1"));
        Assert.Equal(JitsiComponent.Jvb, custom.Select("c", new Dictionary<string, string> { ["role"] = "media" }, "my/bridge:1"));
        Assert.Equal(JitsiComponent.Jigasi, custom.Select("c", new Dictionary<string, string> { ["role"] = "media" }, "jitsi/jigasi:1"));
    }

    private static bool IsTaken(ContainerSelection selection, string name, IReadOnlyDictionary<string, string> labels, string image) =>
        selection.Select(name, labels, image) is not null;
}
