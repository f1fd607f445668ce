using System.Collections;
using System.Text;
using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The README and the files it links to are written by hand; what they say about keys, the Docker calls, the
/// packages, the release archive and the fields must be what the code and build.ps1 do.
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly MarkdownFile Readme = MarkdownFile.Readme;
    private static readonly string BuildScript = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "build.ps1")).ReplaceLineEndings("\n");
    private static readonly string PrerequisitesScript = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Prerequisites.ps1")).ReplaceLineEndings("\n");

    [Fact]
    public void The_README_and_the_documents_it_links_to_speak_only_of_the_product()
    {
        string[] documents = [.. ReadmeAndItsDocuments()];

        Assert.Contains("plugin/grafana/README.md", documents);
        Assert.Contains("tests/README.md", documents);
        foreach (string document in documents)
        {
            string text = MarkdownFile.At(document).Text;
            foreach (string word in new[] { "seed", "inputs.http setup", "existing jitsi_stats dashboards", "issue " })
            {
                Assert.False(text.Contains(word, StringComparison.OrdinalIgnoreCase), $"{document} says \"{word}\"");
            }
        }
    }

    [Fact]
    public void The_jitsi_stats_table_of_the_prometheus_mapping_readme_is_the_mapping_the_metrics_mapper_uses_in_its_order()
    {
        MarkdownFile mapping = MarkdownFile.At("plugin", "Jitsi", "jvb-metrics.md");
        (string Field, string Metric, string How)[] rows = [.. MappingRow().Matches(mapping.Text).Select(m => (m.Groups["field"].Value, m.Groups["metric"].Value, m.Groups["how"].Value))];

        Assert.Equal(JitsiStatsMetricMap.InShimOrder.Select(f => (f.Field, f.Metric, How(f))), rows);
        Assert.Contains("](plugin/Jitsi/jvb-metrics.md)", Readme.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_telegraf_block_is_telegraf_sample_conf_as_shipped_with_signal_STDIN()
    {
        string sample = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "telegraf-sample.conf")).ReplaceLineEndings("\n");

        string block = Assert.Single(MarkdownFile.Blocks(Readme.Section("Configuration"), "toml"));

        Assert.Equal(sample.TrimEnd('\n'), block.TrimEnd('\n'));
        Assert.Contains("\n  signal = \"STDIN\"\n", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_json_example_of_the_readme_and_its_documents_is_a_configuration_the_plugin_accepts_without_a_warning()
    {
        IReadOnlyList<string> examples = [.. ReadmeAndItsDocuments().SelectMany(document => MarkdownFile.Blocks(MarkdownFile.At(document).Text, "json"))];
        string folder = Directory.CreateTempSubdirectory("execd-jvb-readme-").FullName;
        try
        {
            Assert.NotEmpty(examples);
            foreach (string example in examples)
            {
                string path = Path.Combine(folder, "execd-jvb.json");
                File.WriteAllText(path, example);

                PluginSettings settings = SettingsLoader.Load(CommandLine.Parse(["--config", path]), new Hashtable());

                Assert.Empty(settings.Warnings);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_Docker_calls_the_readme_names_are_exactly_the_requests_discovery_sends()
    {
        const string Id = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
        const string ImageId = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        // A container whose list entry names its image by ID (its tag moved on), so discovery inspects it too.
        await using var docker = new JvbHttpServer(target => WithoutApiVersion(target).StartsWith("/containers/json", StringComparison.Ordinal)
            ? StubResponse.Json($$$"""
                [{"Id":"{{{Id}}}","Names":["/docker-jitsi-meet-jvb-1"],"Image":"{{{ImageId}}}","ImageID":"{{{ImageId}}}",
                  "Labels":{"com.docker.compose.service":"jvb"},"State":"running","HostConfig":{"NetworkMode":"host"},
                  "NetworkSettings":{"Networks":{"host":{"IPAddress":""} } },"Ports":[]}]
                """)
            : StubResponse.Json($$$"""{"Id":"{{{Id}}}","Config":{"Image":"jitsi/jvb:stable-9779"}}"""));

        using var stdout = new MemoryStream();
        int exitCode = await App.RunAsync(["--discover", "--endpoint", docker.Endpoint], new Hashtable(), NoStdin.Input, stdout, TextWriter.Null, CancellationToken.None);

        string[] sent = [.. docker.RequestLines.Select(request => Uri.UnescapeDataString(WithoutApiVersion(request)).Replace(Id, "{id}", StringComparison.Ordinal))];
        string[] named = [.. MarkdownFile.CodeSpans(Readme.Text).Where(span => HttpRequest().IsMatch(span))];
        Assert.Equal(0, exitCode);
        Assert.Equal(["GET /containers/json?filters={\"status\":{\"running\":true}}", "GET /containers/{id}/json"], sent);
        Assert.Equal(sent.Order(StringComparer.Ordinal), named.Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain("/_ping", Readme.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_packages_the_development_readme_names_are_the_ones_build_ps1_installs_for_the_tests()
    {
        Match list = AptPackageList().Match(MarkdownFile.At("tests", "README.md").Section("The two commands"));
        Assert.True(list.Success, "tests/README.md names no package list after \"installs what is missing with apt-get\"");
        string[] named = [.. Regex.Matches(list.Groups["list"].Value, "`(?<name>[^`]+)`").Select(m => m.Groups["name"].Value)];

        string[] installed = [.. PackagesBuildPs1Installs()];

        Assert.Contains("docker.io", installed);
        Assert.Contains("file", installed);
        Assert.Equal(installed.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_archive_listing_of_the_readme_is_what_build_ps1_release_packs()
    {
        string function = FunctionText("New-ReleaseArchive");
        string[] packed = [.. ArchiveEntry().Matches(function).Select(m => m.Groups["name"].Value).Distinct()];
        Match listing = Regex.Match(Readme.Section("Install"), @"\nls execd-jvb-\$VERSION-\$RID\n# (?<files>[^\n]+)\n");

        Assert.True(listing.Success, "the Install section has no `ls` of the unpacked archive");
        Assert.Equal(packed.Order(StringComparer.Ordinal), listing.Groups["files"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Contains("-Name \"execd-jvb-$version-$rid\"", BuildScript, StringComparison.Ordinal);
        Assert.Contains("\"$Name.tar.gz\"", function, StringComparison.Ordinal);
        foreach (string rid in new[] { "linux-x64", "linux-arm64" })
        {
            Assert.Matches($"\n    '{rid}' += @", BuildScript);
            Assert.Contains($"`execd-jvb-<version>-{rid}.tar.gz`", Readme.Text, StringComparison.Ordinal);
        }

        Assert.Contains("Join-Path $release 'SHA256SUMS'", BuildScript, StringComparison.Ordinal);
    }

    [Fact]
    public void The_package_commands_of_the_readme_install_the_files_build_ps1_release_builds()
    {
        string install = Readme.Section("Install");
        string csproj = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "plugin", "ExecdJvb.csproj"));
        string version = Regex.Match(csproj, "<Version>(?<version>[^<]+)</Version>").Groups["version"].Value.Replace('-', '~');

        Assert.Contains($"\nsudo apt install ./execd-jvb_{version}_amd64.deb\n", install, StringComparison.Ordinal);
        Assert.Contains($"\nsudo dnf install ./execd-jvb-{version}-1.x86_64.rpm\n", install, StringComparison.Ordinal);
        Assert.Contains("Join-Path $Destination \"execd-jvb_${packageVersion}_$DebArch.deb\"", BuildScript, StringComparison.Ordinal);
        Assert.Contains("Join-Path $Destination \"execd-jvb-$packageVersion-1.$RpmArch.rpm\"", BuildScript, StringComparison.Ordinal);
        Assert.Matches("\n    'linux-x64' += @\\{[^\n]*; DebArch = 'amd64'; RpmArch = 'x86_64' \\}\n", BuildScript);
        Assert.Matches("\n    'linux-arm64' += @\\{[^\n]*; DebArch = 'arm64'; RpmArch = 'aarch64' \\}\n", BuildScript);
        foreach (string path in new[] { "/usr/bin/execd-jvb", "/etc/telegraf/execd-jvb.json", "/etc/telegraf/telegraf.d/execd-jvb.conf" })
        {
            Assert.Contains($"`{path}`", install, StringComparison.Ordinal);
            Assert.Contains($"\n    '{path}'\n", BuildScript, StringComparison.Ordinal);
        }

    }

    [Fact]
    public void The_packaging_readme_lists_the_files_build_ps1_packs_and_how_to_remove_them()
    {
        MarkdownFile packaging = MarkdownFile.At("plugin", "packaging", "README.md");
        Match packed = Regex.Match(BuildScript, @"\n\$PackagedFiles = @\((?<items>[^)]*)\)");
        string[] files = [.. Regex.Matches(packed.Groups["items"].Value, "'(?<path>/[^']+)'").Select(m => m.Groups["path"].Value)];
        string[] listed = [.. Regex.Matches(packaging.Section("What they install"), @"^\| `(?<path>/[^`]+)` \|", RegexOptions.Multiline).Select(m => m.Groups["path"].Value)];

        Assert.Contains("/usr/bin/execd-jvb", files);
        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Contains("](plugin/packaging/README.md)", Readme.Section("Install"), StringComparison.Ordinal);
        foreach (string command in new[] { "sudo apt remove execd-jvb", "sudo apt purge execd-jvb", "sudo dnf remove execd-jvb" })
        {
            Assert.Contains($"`{command}`", packaging.Section("Upgrade and uninstall"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_readme_names_the_main_job_and_the_test_command_that_ci_runs()
    {
        const string TestCommand = "dotnet tool restore && dotnet pwsh ./build.ps1 test";
        IReadOnlyList<string> commands = MarkdownFile.Blocks(Readme.Section("Development"), "sh");
        string ci = File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".ci", "run")).ReplaceLineEndings("\n");

        Assert.Contains(commands, command => command.StartsWith("dotnet run --project plugin -- --once ", StringComparison.Ordinal));
        Assert.Contains($"{TestCommand}\n", commands);
        Assert.Equal(TestCommand, ci.TrimEnd('\n').Split('\n')[^1]);
    }

    [Fact]
    public void The_glibc_the_readme_asks_for_is_the_newest_build_ps1_release_allows()
    {
        string allowed = Regex.Match(BuildScript, @"\$ReleaseGlibcMax = \[version\]'(?<version>[0-9.]+)'").Groups["version"].Value;

        Assert.NotEmpty(allowed);
        Assert.Contains($"glibc {allowed} or newer", Whitespace().Replace(Readme.Section("Install"), " "), StringComparison.Ordinal);
        Assert.Contains($"`GLIBC_{allowed}' not found", Readme.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_the_metrics_section_lists_as_a_float_is_one_the_plugin_writes_for_some_JVB_version()
    {
        var written = new HashSet<string>(StringComparer.Ordinal) { "healthy" };
        foreach (string golden in Directory.GetFiles(TestData.PathOf("golden"), "colibri-stats-*.out"))
        {
            foreach (DecodedPoint point in LineProtocolDecoder.Decode(File.ReadAllText(golden)))
            {
                written.UnionWith(point.Fields.Select(field => field.Key));
            }
        }

        // The measurements of Jicofo's view of the fleet have their own test (JicofoFleetTests).
        string[] listed = [.. MetricsItems().Where(item => !item.StartsWith("- `jicofo_", StringComparison.Ordinal)).SelectMany(item => FloatFieldList().Matches(item)).SelectMany(m => Regex.Matches(m.Value, "`(?<name>[a-z0-9_]+)`").Select(n => n.Groups["name"].Value))];

        Assert.Contains("bit_rate_download", listed);
        Assert.Contains("healthy", listed);
        Assert.All(listed, name => Assert.Contains(name, written));
    }

    /// <summary>README.md and every Markdown document it links to, as paths from the repository's root.</summary>
    private static IEnumerable<string> ReadmeAndItsDocuments() =>
        new[] { "README.md" }.Concat(MarkdownLinks.Targets("README.md").Where(path => path.EndsWith(".md", StringComparison.Ordinal))).Distinct();

    /// <summary>The bullet items of the Metrics section, each with its continuation lines joined.</summary>
    internal static IEnumerable<string> MetricsItems()
    {
        var item = new StringBuilder();
        foreach (string line in Readme.Section("Metrics").Split('\n'))
        {
            if (line.TrimStart().StartsWith("- ", StringComparison.Ordinal) && item.Length > 0)
            {
                yield return item.ToString();
                item.Clear();
            }

            item.Append(line.Trim()).Append(' ');
        }

        yield return item.ToString();
    }

    /// <summary>
    /// What Get-Prerequisites (tests/Prerequisites.ps1, which build.ps1 dot-sources) puts into $needed (the keys of the
    /// ordered table and of its Insert calls) plus what Install-Prerequisites' apt-get install line names besides @missing.
    /// </summary>
    private static IEnumerable<string> PackagesBuildPs1Installs()
    {
        Assert.Contains(". (Join-Path $Root 'tests/Prerequisites.ps1')", BuildScript, StringComparison.Ordinal);
        foreach (Match needed in NeededPackage().Matches(FunctionText(PrerequisitesScript, "Get-Prerequisites")))
        {
            yield return needed.Groups["name"].Value;
        }

        Match aptGet = Regex.Match(FunctionText(PrerequisitesScript, "Install-Prerequisites"), @"& apt-get install [^\n]*@missing(?<extra>[^\n]*)\n");
        Assert.True(aptGet.Success, "tests/Prerequisites.ps1 Install-Prerequisites has no `& apt-get install … @missing` line");
        foreach (string extra in aptGet.Groups["extra"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return extra;
        }
    }

    private static string FunctionText(string name) => FunctionText(BuildScript, name);

    private static string FunctionText(string script, string name)
    {
        int start = script.IndexOf($"\nfunction {name}", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no function {name} in the script");
        int end = script.IndexOf("\n}\n", start, StringComparison.Ordinal);
        return script[start..end];
    }

    private static string WithoutApiVersion(string target) => ApiVersion().Replace(target, string.Empty);

    private static string How(JitsiStatsField field) => field.Field == "healthy"
        ? "not from here: `healthy` comes from `/about/health`"
        : field.Conversion switch
        {
            MetricConversion.KilobitsTruncated => "÷ 1000, truncated (bit/s → kbit/s)",
            MetricConversion.Boolean => "boolean: only with `json_string_fields`",
            _ => "as is",
        };

    [GeneratedRegex(@"^\| `(?<field>[a-z0-9_]+)` \| `(?<metric>jitsi_jvb_[a-z0-9_]+)` \| (?<how>[^|\n]+?) \|$", RegexOptions.Multiline)]
    private static partial Regex MappingRow();

    [GeneratedRegex(@"^(GET|HEAD|POST|PUT|PATCH|DELETE) /")]
    private static partial Regex HttpRequest();

    [GeneratedRegex(@"(?<=^(?:[A-Z]+ )?)/v[0-9.]+(?=/)")]
    private static partial Regex ApiVersion();

    [GeneratedRegex(@"installs what is missing with apt-get[^:]*:\s*(?<list>(?:`[^`]+`(?:,\s*|\s+and\s+)?)+)")]
    private static partial Regex AptPackageList();

    [GeneratedRegex(@"^\s*(?:'(?<name>[a-z0-9.+-]+)'\s*=|\$needed\.Insert\(\d+,\s*'(?<name>[a-z0-9.+-]+)')", RegexOptions.Multiline)]
    private static partial Regex NeededPackage();

    [GeneratedRegex(@"(?:^\s*'|\$files\[')(?<name>[A-Za-z0-9.-]+)'\]?\s*=", RegexOptions.Multiline)]
    private static partial Regex ArchiveEntry();

    [GeneratedRegex(@"(?:`[a-z0-9_]+`(?:,\s*| … )?)+\s*\(float\b")]
    internal static partial Regex FloatFieldList();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
