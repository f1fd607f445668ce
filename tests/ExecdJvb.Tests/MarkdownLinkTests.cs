using System.Text;
using System.Text.RegularExpressions;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The README points to documents beside what they describe, and they to each other: every relative link of every
/// Markdown file of the repository leads to a file or folder that exists, and a link to a heading to one the target has.
/// </summary>
public sealed class MarkdownLinkTests
{
    [Fact]
    public void Every_relative_link_of_every_markdown_file_leads_to_a_file_and_heading_that_exist()
    {
        string[] documents = [.. MarkdownLinks.Documents()];
        var broken = new List<string>();
        int links = 0;
        foreach (string document in documents)
        {
            foreach (MarkdownLink link in MarkdownLinks.Relative(document))
            {
                links++;
                string full = Path.Combine(RepositoryPaths.Root, link.Path);
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    broken.Add($"{document}: ({link.Written}) leads to {link.Path}, which does not exist");
                }
                else if (link.Anchor is { } anchor && !MarkdownLinks.Anchors(link.Path).Contains(anchor))
                {
                    broken.Add($"{document}: ({link.Written}) names #{anchor}, not a heading of {link.Path}");
                }
            }
        }

        Assert.Contains("README.md", documents);
        Assert.Contains("plugin/kubernetes/README.md", documents);
        Assert.True(links > 20, $"only {links} relative links found");
        Assert.Empty(broken);
    }

    [Theory]
    [InlineData("## Example Output", "example-output")]
    [InlineData("### The plugin's configuration file", "the-plugins-configuration-file")]
    [InlineData("### Telegraf in a container, Kubernetes", "telegraf-in-a-container-kubernetes")]
    [InlineData("## `build.ps1` tasks", "buildps1-tasks")]
    public void A_heading_is_linked_by_the_anchor_GitHub_gives_it(string heading, string anchor)
    {
        Assert.Equal(anchor, MarkdownLinks.Slug(heading.TrimStart('#').Trim()));
    }
}

/// <summary>A relative link of a Markdown file: as written, the path it leads to from the repository's root, its heading anchor.</summary>
internal sealed record MarkdownLink(string Written, string Path, string? Anchor);

/// <summary>The Markdown files of the repository and their relative links, read as GitHub renders them.</summary>
internal static partial class MarkdownLinks
{
    private static readonly string[] NotSources = ["bin", "obj", "artifacts", "node_modules"];

    /// <summary>Every *.md file of the repository outside build output and dot folders, as a path from its root with '/'.</summary>
    public static IEnumerable<string> Documents() =>
        Directory.EnumerateFiles(RepositoryPaths.Root, "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').SkipLast(1).Any(folder => folder.StartsWith('.') || NotSources.Contains(folder)))
            .Order(StringComparer.Ordinal);

    /// <summary>The links of a document that name no scheme: inline ones and reference definitions, outside code.</summary>
    public static IEnumerable<MarkdownLink> Relative(string document)
    {
        string text = ProseOf(MarkdownFile.At(document).Text);
        string folder = Path.GetDirectoryName(document)?.Replace('\\', '/') ?? string.Empty;
        foreach (Match match in Link().Matches(text))
        {
            string written = match.Groups["target"].Value;
            if (Scheme().IsMatch(written))
            {
                continue;
            }

            int hash = written.IndexOf('#', StringComparison.Ordinal);
            string file = hash < 0 ? written : written[..hash];
            string? anchor = hash < 0 ? null : written[(hash + 1)..];
            string path = file.Length == 0 ? document : Normalize(folder.Length == 0 ? file : $"{folder}/{file}");
            yield return new MarkdownLink(written, path, anchor);
        }
    }

    /// <summary>The paths the relative links of a document lead to.</summary>
    public static IEnumerable<string> Targets(string document) => Relative(document).Select(link => link.Path);

    /// <summary>The anchors of a document's headings, as GitHub makes them (a repeated one gets -1, -2, …).</summary>
    public static HashSet<string> Anchors(string document)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        string full = Path.Combine(RepositoryPaths.Root, document);
        if (!document.EndsWith(".md", StringComparison.Ordinal) || !File.Exists(full))
        {
            return anchors;
        }

        foreach (Match heading in Heading().Matches(WithoutFencedBlocks(MarkdownFile.At(document).Text)))
        {
            string slug = Slug(heading.Groups["title"].Value);
            string unique = slug;
            for (int n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen.</summary>
    public static string Slug(string title)
    {
        var slug = new StringBuilder(title.Length);
        foreach (char c in title.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (string part in path.Split('/'))
        {
            if (part == "..")
            {
                Assert.True(parts.Count > 0, $"{path} leads outside the repository");
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part is not ("." or ""))
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    private static string ProseOf(string markdown) => CodeSpan().Replace(WithoutFencedBlocks(markdown), string.Empty);

    private static string WithoutFencedBlocks(string markdown) => FencedBlock().Replace(markdown, string.Empty);

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)|^\[[^\]\n]+\]:\s*(?<target>\S+)", RegexOptions.Multiline)]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<title>[^\n]+?)[ \t]*#*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^```[^\n]*\n.*?^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"(`+)[^`\n].*?\1")]
    private static partial Regex CodeSpan();
}
