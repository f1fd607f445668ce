
namespace ExecdJvb.Configuration;

/// <summary>
/// Which running containers are JVBs. A container is one when it carries one of the label_include
/// labels or its image matches one of the image_include globs (the built-in rule, used while neither
/// is configured: docker-jitsi-meet's com.docker.compose.service=jvb label, or the jitsi/jvb image
/// from any registry); then the name globs narrow, as in Telegraf's inputs.docker: it must match a
/// name_include glob (when any is given) and no name_exclude glob.
/// </summary>
internal sealed class ContainerSelection(
    IReadOnlyList<KeyValuePair<string, string>> labelInclude,
    IReadOnlyList<GlobPattern> imageInclude,
    IReadOnlyList<GlobPattern> nameInclude,
    IReadOnlyList<GlobPattern> nameExclude)
{
    public static readonly IReadOnlyList<string> DefaultLabelInclude = ["com.docker.compose.service=jvb"];
    public static readonly IReadOnlyList<string> DefaultImageInclude = ["jitsi/jvb", "*/jitsi/jvb"];

    /// <summary>The built-in rule: the default label or the default image, every name.</summary>
    public static ContainerSelection BuiltIn { get; } = new(
        [.. DefaultLabelInclude.Select(ParseLabel)],
        [.. DefaultImageInclude.Select(glob => new GlobPattern(glob))],
        [],
        []);

    /// <summary>key=value, as container_label_include gives it; null when there is no '=' or no key.</summary>
    public static KeyValuePair<string, string>? TryParseLabel(string entry)
    {
        int equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals <= 0 ? null : new KeyValuePair<string, string>(entry[..equals].Trim(), entry[(equals + 1)..].Trim());
    }

    private static KeyValuePair<string, string> ParseLabel(string entry) => TryParseLabel(entry)!.Value;

    /// <summary>The same rule, narrowed by the name globs.</summary>
    public ContainerSelection WithNames(IReadOnlyList<GlobPattern> include, IReadOnlyList<GlobPattern> exclude) =>
        new(labelInclude, imageInclude, include, exclude);

    public bool Selects(string name, IReadOnlyDictionary<string, string> labels, string image)
    {
        bool isJvb = labelInclude.Any(label => labels.TryGetValue(label.Key, out string? value) && value == label.Value)
            || imageInclude.Any(glob => glob.IsMatch(RepositoryOf(image)) || glob.IsMatch(image));
        return isJvb
            && (nameInclude.Count == 0 || nameInclude.Any(glob => glob.IsMatch(name)))
            && !nameExclude.Any(glob => glob.IsMatch(name));
    }

    /// <summary>The image reference without tag or digest: ghcr.io/jitsi/jvb:stable-11146 → ghcr.io/jitsi/jvb.</summary>
    public static string RepositoryOf(string image)
    {
        int digest = image.IndexOf('@', StringComparison.Ordinal);
        string reference = digest >= 0 ? image[..digest] : image;
        int lastSlash = reference.LastIndexOf('/');
        int tag = reference.LastIndexOf(':');
        return tag > lastSlash ? reference[..tag] : reference;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (labelInclude.Count > 0)
        {
            parts.Add("label " + string.Join(" or ", labelInclude.Select(label => $"{label.Key}={label.Value}")));
        }

        if (imageInclude.Count > 0)
        {
            parts.Add("image " + string.Join(" or ", imageInclude.Select(glob => glob.Text)));
        }

        string selection = string.Join(" or ", parts);
        if (nameInclude.Count > 0)
        {
            selection += ", name " + string.Join(" or ", nameInclude.Select(glob => glob.Text));
        }

        if (nameExclude.Count > 0)
        {
            selection += ", name not " + string.Join(" or ", nameExclude.Select(glob => glob.Text));
        }

        return selection;
    }
}
