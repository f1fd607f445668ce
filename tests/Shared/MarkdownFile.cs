using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>A Markdown file of the repository, read by the tests that hold its text to the code: its sections and fenced blocks.</summary>
internal sealed partial class MarkdownFile(string text)
{
    public static MarkdownFile Readme { get; } = At("README.md");

    public string Text { get; } = text.ReplaceLineEndings("\n");

    public static MarkdownFile At(params string[] pathFromRoot) =>
        new(File.ReadAllText(Path.Combine([RepositoryPaths.Root, .. pathFromRoot])));

    /// <summary>The text of the "## <paramref name="title"/>" section, its "###" subsections included, up to the next "## ".</summary>
    public string Section(string title)
    {
        int start = Text.IndexOf($"\n## {title}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section \"## {title}\"");
        int end = Text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? Text[start..] : Text[start..end];
    }

    /// <summary>The contents of the fenced blocks of a language (```text, ```json, …) in <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<string> Blocks(string markdown, string language) =>
        [.. FencedBlock().Matches(markdown).Where(m => m.Groups["language"].Value == language).Select(m => m.Groups["body"].Value)];

    /// <summary>Every `code span` outside fenced blocks.</summary>
    public static IReadOnlyList<string> CodeSpans(string markdown) =>
        [.. CodeSpan().Matches(FencedBlock().Replace(markdown, string.Empty)).Select(m => m.Groups["code"].Value)];

    [GeneratedRegex(@"^```(?<language>[a-z]*)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"(?<!`)`(?<code>[^`\n]+)`(?!`)")]
    private static partial Regex CodeSpan();
}
