using ExecdJvb.Http;
using System.Text.Json;
using Docker.DotNet;
using ExecdJvb.Execd;
using ExecdJvb.Jitsi;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// Finds the Jitsi component containers through the Docker API on every gather: one list call (running containers
/// only) per gather, plus one inspect the first time a container ID shows an image ID instead of a name, and one the
/// first time a Jicofo names a bridge that no JVB container is known to be (<see cref="JvbNicknames"/>). Only reads; never changes anything in Docker. Logs Docker trouble once.
/// </summary>
internal sealed class DockerTargets : ITargetSource, IDisposable
{
    private readonly DockerApiClient _docker;
    private readonly Uri _endpoint;
    private readonly TimeSpan _timeout;
    private readonly ContainerSelection _selection;
    private readonly AddressResolver _resolver;
    private readonly StderrLog _log;
    private readonly TargetStateLog _states;
    private readonly Dictionary<string, string> _imageById = new(StringComparer.Ordinal);
    private readonly JvbNicknames _nicknames;
    private string? _dockerFailure;
    private byte[]? _lastAnswer;
    private List<ComponentTarget>? _lastTargets;
    private bool _inspectFailed;
    private bool _answered;

    /// <param name="endpoint">The Docker API.</param>
    /// <param name="tls">Client TLS for a tcp:// endpoint, or null.</param>
    /// <param name="timeout">Limit for one Docker request.</param>
    /// <param name="selection">Which containers are Jitsi components.</param>
    /// <param name="resolver">Where each container is read.</param>
    /// <param name="log">Diagnostics.</param>
    /// <param name="states">What was last said of each container.</param>
    /// <param name="optional">
    /// The endpoint was not chosen by the operator (the default socket) and components are looked for elsewhere too: a
    /// socket that does not exist is a host without Docker, said once as I!, not an error.
    /// </param>
    public DockerTargets(Uri endpoint, DockerTls? tls, TimeSpan timeout, ContainerSelection selection, AddressResolver resolver, StderrLog log, TargetStateLog states, bool optional = false)
    {
        Optional = optional;
        _endpoint = endpoint;
        _timeout = timeout;
        _selection = selection;
        _resolver = resolver;
        _log = log;
        _states = states;
        _docker = new DockerApiClient(endpoint, tls, timeout);
        _nicknames = new JvbNicknames(_docker, endpoint, timeout, log);
        Description = $"Docker at {UrlText.Redacted(endpoint)}, Jitsi = {selection}";
        NoneFound = $"no Jitsi container found ({selection})";
    }

    public string Description { get; }

    public string NoneFound { get; }

    /// <summary>Whether Docker has answered since the plugin started.</summary>
    public bool Answered => _answered;

    /// <summary>Whether Docker answered the last list request.</summary>
    public bool? DockerAnswered { get; private set; }

    private bool Optional { get; }

    /// <summary>The containers found by the last gather, with how their address was chosen (for --discover).</summary>
    public IReadOnlyList<(DiscoveredContainer Container, ResolvedAddress Address)> LastFound { get; private set; } = [];

    public IReadOnlyList<ComponentTarget>? GetTargets(CancellationToken cancellationToken)
    {
        _nicknames.NewGather();
        byte[] answer;
        List<DiscoveredContainer>? containers = null;
        try
        {
            try
            {
                answer = _docker.ListRunning(cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError))
            {
                // A kept-alive connection that the daemon or a socket proxy closed meanwhile fails the
                // first request on it; one fresh attempt tells that apart from Docker being down.
                answer = _docker.ListRunning(cancellationToken);
            }

            // The list repeats byte for byte while nothing changes (Docker's status text moves from "Up 5 seconds" to
            // "Up 2 hours" ever more slowly), and reading it is most of discovery's own CPU: the same answer gives the
            // same components.
            if (_lastTargets is null || !answer.AsSpan().SequenceEqual(_lastAnswer))
            {
                containers = ListComponents(answer, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DockerAnswered = false;
            (string cause, string message) = DockerFailure.Describe(ex, _endpoint, _timeout);
            if (_dockerFailure != cause)
            {
                if (Optional && !_answered && cause == "missing")
                {
                    _log.Info($"no Docker at {UrlText.Redacted(_endpoint)} (the socket does not exist), so Jitsi components are looked for on this host only");
                }
                else
                {
                    _log.Error(message);
                }

                _dockerFailure = cause;
            }
            else
            {
                _log.Debug(message);
            }

            return null;
        }

        _answered = true;
        DockerAnswered = true;
        if (_dockerFailure is not null)
        {
            _log.Info($"Docker at {UrlText.Redacted(_endpoint)} answers again");
            _dockerFailure = null;
        }

        if (containers is null)
        {
            return _lastTargets;
        }

        List<ComponentTarget> targets = Resolve(containers);

        // A container whose inspect failed is left out and asked again next gather, so that answer is not kept.
        (_lastAnswer, _lastTargets) = _inspectFailed ? (null, null) : (answer, targets);
        return targets;
    }

    private List<DiscoveredContainer> ListComponents(byte[] answer, CancellationToken cancellationToken)
    {
        _inspectFailed = false;
        List<DockerContainerSummary> listed = JsonSerializer.Deserialize(answer, DockerJsonContext.Default.ListDockerContainerSummary) ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var jvbs = new List<DiscoveredContainer>();
        foreach (DockerContainerSummary item in listed)
        {
            if (string.IsNullOrEmpty(item.Id))
            {
                continue;
            }

            seen.Add(item.Id);
            string name = (item.Names is { Count: > 0 } names ? names[0] : null)?.TrimStart('/') ?? item.Id[..Math.Min(12, item.Id.Length)];
            IReadOnlyDictionary<string, string> labels = item.Labels is null
                ? new Dictionary<string, string>()
                : item.Labels.ToDictionary(StringComparer.Ordinal);
            string? image = ImageOf(item.Id, item, cancellationToken);
            if (image is null || _selection.Select(name, labels, image) is not { } component)
            {
                continue;
            }

            jvbs.Add(new DiscoveredContainer(
                item.Id,
                name,
                image,
                labels,
                item.HostConfig?.NetworkMode ?? string.Empty,
                item.NetworkSettings?.Networks?.ToDictionary(n => n.Key, n => n.Value?.IpAddress ?? string.Empty, StringComparer.Ordinal)
                    ?? new Dictionary<string, string>(StringComparer.Ordinal),
                [.. (item.Ports ?? []).Select(p => new PublishedPort(p.Ip ?? string.Empty, p.PublicPort ?? 0, p.PrivatePort, p.Type ?? string.Empty))],
                component));
        }

        foreach (string gone in _imageById.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _imageById.Remove(gone);
        }

        return jvbs;
    }

    /// <summary>
    /// The image a container was created from. The list gives the name unless the tag has since moved
    /// to another image, when it gives the image ID; then one inspect, cached for the container's life.
    /// </summary>
    private string? ImageOf(string id, DockerContainerSummary item, CancellationToken cancellationToken)
    {
        if (_imageById.TryGetValue(id, out string? cached))
        {
            return cached;
        }

        string image = item.Image ?? string.Empty;
        if (image.StartsWith("sha256:", StringComparison.Ordinal) || image == item.ImageId || image.Length == 0)
        {
            try
            {
                DockerContainerInspect? inspected = _docker.Inspect(id, cancellationToken);
                image = inspected?.Config?.Image ?? image;
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed between list and inspect: it simply is not there any more.
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One container's inspect must not hide the others; it is tried again next gather.
                _log.Debug($"inspecting container {id[..Math.Min(12, id.Length)]} failed: {DockerFailure.Describe(ex, _endpoint, _timeout).Message}");
                _inspectFailed = true;
                return null;
            }
        }

        _imageById[id] = image;
        return image;
    }

    /// <summary>The containers with an address to read, sorted by name; the others are said once each.</summary>
    private List<ComponentTarget> Resolve(List<DiscoveredContainer> containers)
    {
        var targets = new List<ComponentTarget>(containers.Count);
        var found = new List<(DiscoveredContainer, ResolvedAddress)>(containers.Count);
        foreach (DiscoveredContainer container in containers)
        {
            ResolvedAddress address = _resolver.Resolve(container);
            found.Add((container, address));
            if (address.StatsUri is not { } uri)
            {
                _states.Failed(container.Name, "no-address", $"{ComponentProfile.Of(container.Component).Name} {container.Name}: no address to read its stats: {address.How}");
                continue;
            }

            targets.Add(new ComponentTarget(ComponentProfile.Of(container.Component), container.Name, uri, [new TargetTag(TargetTag.ContainerNameKey, container.Name)], container.Id, address.How));
        }

        LastFound = found;
        targets.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        _nicknames.Track([.. targets.Where(target => target.Profile.Component == JitsiComponent.Jvb).Select(target => (target.Instance, target.Name))]);
        return targets;
    }

    public string? JvbContainerOf(string nickname, CancellationToken cancellationToken) => _nicknames.ContainerOf(nickname, cancellationToken);

    public void Dispose() => _docker.Dispose();
}
