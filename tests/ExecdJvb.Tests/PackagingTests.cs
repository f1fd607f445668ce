using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests;

/// <summary>
/// The .deb and .rpm are built by build.ps1 release from plugin/packaging: both formats install the same files, mark
/// the same configuration files, ask for the glibc the release checks for, and run one postinst that changes nothing.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PackagingTests
{
    private static readonly string Packaging = Path.Combine(RepositoryPaths.Root, "plugin", "packaging");
    private static readonly string BuildScript = Read(RepositoryPaths.Root, "build.ps1");
    private static readonly string Spec = Read(Packaging, "rpm", "execd-jvb.spec");
    private static readonly string Control = Read(Packaging, "deb", "control");

    [Fact]
    public void Both_packages_mark_exactly_the_configuration_files_build_ps1_checks_after_install()
    {
        string[] checkedFiles = [.. BuildScriptList("PackagedConfigFiles")];
        string[] conffiles = Read(Packaging, "deb", "conffiles").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] rpmConfig = [.. Regex.Matches(Spec, @"^%config\(noreplace\)(?: %attr\([^)]*\))? (?<path>/\S+)$", RegexOptions.Multiline).Select(m => m.Groups["path"].Value)];

        Assert.Equal(["/etc/telegraf/execd-jvb.json", "/etc/telegraf/telegraf.d/execd-jvb.conf"], checkedFiles);
        Assert.Equal(checkedFiles, conffiles);
        Assert.Equal(checkedFiles, rpmConfig);
    }

    [Fact]
    public void The_rpm_lists_every_file_build_ps1_lays_out_and_no_other()
    {
        string[] laid = [.. BuildScriptList("PackagedFiles")];
        string[] listed = [.. Regex.Matches(Spec, @"^%(?:attr|config|doc|license)\S*(?: %attr\([^)]*\))? (?<path>/\S+)$", RegexOptions.Multiline).Select(m => m.Groups["path"].Value)];

        Assert.Contains("/usr/bin/execd-jvb", laid);
        Assert.Equal(laid.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Both_packages_require_the_glibc_the_release_checks_each_binary_against_and_only_suggest_telegraf()
    {
        string allowed = Regex.Match(BuildScript, @"\$ReleaseGlibcMax = \[version\]'(?<version>[0-9.]+)'").Groups["version"].Value;

        Assert.NotEmpty(allowed);
        Assert.Matches($"(?m)^Depends: libc6 \\(>= {Regex.Escape(allowed)}\\)$", Control);
        Assert.Matches($"(?m)^Requires: +glibc >= {Regex.Escape(allowed)}$", Spec);
        Assert.Matches("(?m)^Suggests: telegraf$", Control);
        Assert.Matches("(?m)^Suggests: +telegraf$", Spec);
        Assert.DoesNotContain("telegraf", Regex.Match(Control, "(?m)^(Depends|Recommends|Pre-Depends):.*$").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_drop_in_build_ps1_derives_from_telegraf_sample_conf_names_the_packaged_binary()
    {
        string sample = Read(RepositoryPaths.Root, "telegraf-sample.conf");

        // build.ps1 replaces this path, and fails the release unless telegraf-sample.conf names it.
        Assert.Contains("command = [\"/usr/local/bin/execd-jvb\", \"--config\", \"/etc/telegraf/execd-jvb.json\"]", sample, StringComparison.Ordinal);
        Assert.Contains("$shipped = '/usr/local/bin/execd-jvb'", BuildScript, StringComparison.Ordinal);
        Assert.Contains("$PackagedBinary = '/usr/bin/execd-jvb'", BuildScript, StringComparison.Ordinal);
        Assert.Contains("ConvertTo-PackagedText $sample 'telegraf-sample.conf' 1", BuildScript, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rpm_post_script_is_the_deb_postinst()
    {
        Assert.Matches("(?m)^%post\n@POSTINST@\n", Spec);
        Assert.Contains("Copy-Item -LiteralPath (Join-Path $Packaging 'postinst') -Destination (Join-Path $meta 'postinst')", BuildScript, StringComparison.Ordinal);
        Assert.Contains("$spec.Replace('@POSTINST@', [System.IO.File]::ReadAllText((Join-Path $Packaging 'postinst'))", BuildScript, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("configure", true, true, false, true)]
    [InlineData("1", true, true, false, true)]
    [InlineData("2", true, true, false, true)]
    [InlineData("configure", true, true, true, false)]
    [InlineData("configure", false, true, false, false)]
    [InlineData("configure", true, false, false, false)]
    [InlineData("abort-upgrade", true, true, false, false)]
    public async Task The_postinst_says_how_to_give_telegraf_the_docker_socket_only_when_it_lacks_it(string argument, bool userExists, bool socketExists, bool userCanUseIt, bool says)
    {
        string folder = Directory.CreateTempSubdirectory("execd-jvb-postinst-").FullName;
        try
        {
            // The script as shipped, but with its socket here and id and runuser answering as the case says.
            string socket = Path.Combine(folder, "docker.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            if (socketExists)
            {
                listener.Bind(new UnixDomainSocketEndPoint(socket));
            }

            string script = Read(Packaging, "postinst");
            Assert.Contains("\nsocket=/var/run/docker.sock\n", script, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "postinst"), script.Replace("\nsocket=/var/run/docker.sock\n", $"\nsocket={socket}\n", StringComparison.Ordinal));
            string bin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;
            Stub(bin, "id", $"[ \"$1\" = telegraf ] && exit {(userExists ? 0 : 1)}; exit 1");
            Stub(bin, "runuser", $"[ \"$1 $2 $3\" = '-u telegraf --' ] || exit 99; exit {(userCanUseIt ? 0 : 1)}");

            (int exit, string stdout) = await RunShellAsync(Path.Combine(folder, "postinst"), argument, bin);

            Assert.Equal(0, exit);
            if (says)
            {
                Assert.Contains($"the user telegraf cannot use {socket}", stdout, StringComparison.Ordinal);
                Assert.Contains("sudo usermod -aG docker telegraf", stdout, StringComparison.Ordinal);
                Assert.Contains("read-only Docker socket proxy", stdout, StringComparison.Ordinal);
                Assert.Contains("/usr/share/doc/execd-jvb/README.md", stdout, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(string.Empty, stdout);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_postinst_changes_no_user_or_group_itself()
    {
        string script = Read(Packaging, "postinst");
        string message = Regex.Match(script, "<<MESSAGE\n(?<text>.*?)\nMESSAGE\n", RegexOptions.Singleline).Groups["text"].Value;

        Assert.Contains("usermod -aG docker telegraf", message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b(usermod|gpasswd|adduser|useradd|groupadd|addgroup|chgrp|chmod|setfacl)\b", script.Replace(message, string.Empty, StringComparison.Ordinal));
    }

    private static IEnumerable<string> BuildScriptList(string name)
    {
        Match list = Regex.Match(BuildScript, $@"\n\${name} = @\((?<items>[^)]*)\)");
        Assert.True(list.Success, $"build.ps1 has no ${name} = @(…)");
        return Regex.Matches(list.Groups["items"].Value, "'(?<path>/[^']+)'").Select(m => m.Groups["path"].Value);
    }

    private static void Stub(string bin, string name, string body)
    {
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<(int Exit, string Stdout)> RunShellAsync(string script, string argument, string bin)
    {
        (int exit, string stdout, string stderr) = await ExecdProcess.RunAsync("/bin/sh", [script, argument], TimeSpan.FromSeconds(10), new Dictionary<string, string> { ["PATH"] = $"{bin}:/usr/sbin:/usr/bin:/sbin:/bin" });
        Assert.Equal(string.Empty, stderr);
        return (exit, stdout);
    }

    private static string Read(params string[] path) => File.ReadAllText(Path.Combine(path)).ReplaceLineEndings("\n");
}
