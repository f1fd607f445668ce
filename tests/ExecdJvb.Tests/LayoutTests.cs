using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The plugin's sources keep the pipeline visible: a folder per stage and its namespace, and no stage reaching back into
/// an earlier one. The shared layers (the HTTP client, the text-format readers, the line-protocol writer) come last, so
/// every stage may use them and they use no stage.
/// </summary>
public sealed partial class LayoutTests
{
    /// <summary>The stages in the order data flows, then the layers below them; each may use the ones after it.</summary>
    private static readonly string[] Stages = ["Configuration", "Discovery", "Jitsi", "Mapping", "Formats", "Http", "LineProtocol"];

    private static readonly string Plugin = Path.Combine(RepositoryPaths.Root, "plugin");

    public static TheoryData<string> Sources() =>
        [.. Directory.EnumerateFiles(Plugin, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Plugin, path))
            .Where(path => !path.StartsWith("bin", StringComparison.Ordinal) && !path.StartsWith("obj", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Sources))]
    public void Each_source_file_declares_the_namespace_of_its_folder(string file)
    {
        string text = File.ReadAllText(Path.Combine(Plugin, file));
        if (file == "Program.cs")
        {
            Assert.DoesNotMatch(NamespaceLine(), text);
            return;
        }

        string folder = Path.GetDirectoryName(file)!;
        string expected = folder.Length == 0 ? "ExecdJvb" : "ExecdJvb." + folder.Replace(Path.DirectorySeparatorChar, '.');
        Assert.Equal(expected, NamespaceLine().Match(text).Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void A_stage_uses_only_the_configuration_the_log_and_the_stages_after_it(string file)
    {
        string[] parts = file.Split(Path.DirectorySeparatorChar);
        if (parts.Length == 1)
        {
            // Program, App and Gatherer compose the stages.
            return;
        }

        string stage = parts[0];
        string text = File.ReadAllText(Path.Combine(Plugin, file));
        string[] used = [.. UsedNamespace().Matches(text).Select(match => match.Groups[1].Value).Distinct()];
        string[] allowed = stage == "Execd"
            ? ["Execd", "Configuration"]
            : [stage, "Configuration", "Execd", .. Stages.SkipWhile(s => s != stage).Skip(1)];
        Assert.All(used, name => Assert.Contains(name, allowed));
        if (stage != "Execd")
        {
            // Of the execd stage, only its log is everyone's.
            Assert.DoesNotMatch(ExecdTypeOtherThanLog(), text);
        }
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"\bExecdJvb\.(\w+)")]
    private static partial Regex UsedNamespace();

    [GeneratedRegex(@"\b(TriggerLoop|StdoutSink|DescriptorInput|DescriptorWriteStream|PollDescriptor)\b")]
    private static partial Regex ExecdTypeOtherThanLog();
}
