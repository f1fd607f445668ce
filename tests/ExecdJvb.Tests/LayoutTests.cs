using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The plugin's sources keep the pipeline visible: a folder per stage and its namespace, one type per file named for it,
/// no file over 400 lines, and no stage reaching back into an earlier one.
/// </summary>
public sealed partial class LayoutTests
{
    /// <summary>The stages in the order data flows; a stage may use the ones after it.</summary>
    private static readonly string[] Stages = ["Configuration", "Discovery", "Jitsi", "Mapping", "LineProtocol"];

    private static readonly string Plugin = Path.Combine(RepositoryPaths.Root, "plugin");

    public static TheoryData<string> Sources() =>
        [.. Directory.EnumerateFiles(Plugin, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Plugin, path))
            .Where(path => !path.StartsWith("bin", StringComparison.Ordinal) && !path.StartsWith("obj", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Sources))]
    public void Each_source_file_declares_the_namespace_of_its_folder_and_one_type_named_for_the_file(string file)
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
        string[] types = [.. TopLevelType().Matches(text).Select(match => match.Groups[1].Value)];
        Assert.Equal([Path.GetFileNameWithoutExtension(file)], types);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void No_source_file_is_over_400_lines(string file) =>
        Assert.InRange(File.ReadAllLines(Path.Combine(Plugin, file)).Length, 1, 400);

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

    [GeneratedRegex(@"^(?:\[[^\]]+\]\s*)*(?:(?:internal|public|file|static|sealed|abstract|partial|readonly|unsafe|ref)\s+)*(?:class|record struct|record|struct|enum|interface)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"\bExecdJvb\.(\w+)")]
    private static partial Regex UsedNamespace();

    [GeneratedRegex(@"\b(TriggerLoop|StdoutSink|DescriptorInput|DescriptorWriteStream|PollDescriptor)\b")]
    private static partial Regex ExecdTypeOtherThanLog();
}
