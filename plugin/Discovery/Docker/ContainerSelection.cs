using ExecdJvb.Configuration;
using ExecdJvb.Jitsi;
namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// Which running containers are Jitsi components, and which component each is. A container is taken when it carries
/// one of the label_include labels or its image matches one of the image_include globs (the built-in rule, used while
/// neither is configured: docker-jitsi-meet's com.docker.compose.service label naming jvb, jicofo or jigasi,
/// or a jitsi/&lt;component&gt; image from any registry); then the name globs narrow, as in Telegraf's inputs.docker:
/// it must match a name_include glob (when any is given) and no name_exclude glob. The compose service label, else the
/// image, tells the component; a container taken by a configured rule that neither names is a JVB.
/// </summary>
internal sealed class ContainerSelection(
    IReadOnlyList<KeyValuePair<string, string>> labelInclude,
    IReadOnlyList<GlobPattern> imageInclude,
    IReadOnlyList<GlobPattern> nameInclude,
    IReadOnlyList<GlobPattern> nameExclude)
{
    public const string ComposeServiceLabel = "com.docker.compose.service";

    public static readonly IReadOnlyList<string> DefaultLabelInclude =
        [.. ComponentProfile.All.Select(profile => $"{ComposeServiceLabel}={profile.Key}")];

    public static readonly IReadOnlyList<string> DefaultImageInclude =
        [.. ComponentProfile.All.SelectMany(profile => (string[])[$"jitsi/{profile.Key}", $"*/jitsi/{profile.Key}"])];

    private bool _builtIn;
    private IReadOnlyCollection<JitsiComponent> _components = [.. ComponentProfile.All.Select(profile => profile.Component)];

    /// <summary>The built-in rule: the default label or the default image, every name.</summary>
    public static ContainerSelection BuiltIn { get; } = new(
        [.. DefaultLabelInclude.Select(ParseLabel)],
        [.. DefaultImageInclude.Select(glob => new GlobPattern(glob))],
        [],
        [])
    { _builtIn = true };

    /// <summary>key=value, as container_label_include gives it; null when there is no '=' or no key.</summary>
    public static KeyValuePair<string, string>? TryParseLabel(string entry)
    {
        int equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals <= 0 ? null : new KeyValuePair<string, string>(entry[..equals].Trim(), entry[(equals + 1)..].Trim());
    }

    private static KeyValuePair<string, string> ParseLabel(string entry) => TryParseLabel(entry)!.Value;

    /// <summary>The same rule, narrowed by the name globs.</summary>
    public ContainerSelection WithNames(IReadOnlyList<GlobPattern> include, IReadOnlyList<GlobPattern> exclude) =>
        new(labelInclude, imageInclude, include, exclude) { _builtIn = _builtIn, _components = _components };

    /// <summary>The same rule, taking only the components listed (the components option).</summary>
    public ContainerSelection WithComponents(IReadOnlyCollection<JitsiComponent> components) =>
        new(labelInclude, imageInclude, nameInclude, nameExclude) { _builtIn = _builtIn, _components = components };

    public IReadOnlyCollection<JitsiComponent> Components => _components;

    /// <summary>The component the container is, or null when it is not taken.</summary>
    public JitsiComponent? Select(string name, IReadOnlyDictionary<string, string> labels, string image)
    {
        bool taken = labelInclude.Any(label => labels.TryGetValue(label.Key, out string? value) && value == label.Value)
            || imageInclude.Any(glob => glob.IsMatch(RepositoryOf(image)) || glob.IsMatch(image));
        if (!taken
            || (nameInclude.Count > 0 && !nameInclude.Any(glob => glob.IsMatch(name)))
            || nameExclude.Any(glob => glob.IsMatch(name)))
        {
            return null;
        }

        JitsiComponent component = ComponentOf(labels, image) ?? JitsiComponent.Jvb;
        return _components.Contains(component) ? component : null;
    }

    /// <summary>The component docker-jitsi-meet's compose service label names, else the one its jitsi/&lt;component&gt; image names.</summary>
    public static JitsiComponent? ComponentOf(IReadOnlyDictionary<string, string> labels, string image)
    {
        if (labels.TryGetValue(ComposeServiceLabel, out string? service) && ComponentProfile.ByKey(service) is { } byService
            && string.Equals(service, byService.Key, StringComparison.Ordinal))
        {
            return byService.Component;
        }

        string repository = RepositoryOf(image);
        foreach (ComponentProfile profile in ComponentProfile.All)
        {
            string own = "jitsi/" + profile.Key;
            if (repository == own || repository.EndsWith("/" + own, StringComparison.Ordinal))
            {
                return profile.Component;
            }
        }

        return null;
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
        if (_builtIn)
        {
            string keys = string.Join("|", ComponentProfile.All.Select(profile => profile.Key));
            parts.Add($"label {ComposeServiceLabel}={keys} or image [*/]jitsi/{keys}");
        }
        else if (labelInclude.Count > 0)
        {
            parts.Add("label " + string.Join(" or ", labelInclude.Select(label => $"{label.Key}={label.Value}")));
        }

        if (!_builtIn && imageInclude.Count > 0)
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
