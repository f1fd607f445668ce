using Docker.DotNet;
using ExecdJvb.Execd;

namespace ExecdJvb.Discovery.Docker;

/// <summary>
/// Which JVB container read here is the bridge a Jicofo names by its brewery nickname. docker-jitsi-meet's JVB joins
/// the brewery as <c>JVB_MUC_NICKNAME</c>, else as its <c>HOSTNAME</c>, which Docker sets to the container's hostname:
/// by default the short prefix of its ID, which the list gives. A hostname of its own (compose <c>hostname:</c>,
/// <c>--hostname</c>, the host's on the host network) or <c>JVB_MUC_NICKNAME</c> only an inspect tells, so a
/// container is inspected only when a Jicofo names a bridge that no container is known to be, and once in its life:
/// after the first gathers a fleet of bridges on other hosts costs the list call alone.
/// </summary>
internal sealed class JvbNicknames(DockerApiClient docker, Uri endpoint, TimeSpan timeout, StderrLog log)
{
    private const string NicknameVariable = "JVB_MUC_NICKNAME";

    private const int IdPrefixLength = 12;

    private static readonly string OnlyByIdPrefix =
        $"a jicofo_bridge point names it in jvb_container_name only while Jicofo knows it by its ID's first {IdPrefixLength} hex digits";

    // Container ID → the nickname its inspect gave, or null where none will come from there (no inspect yet is no entry).
    private readonly Dictionary<string, string?> _inspected = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedThisGather = new(StringComparer.Ordinal);
    private IReadOnlyList<(string Id, string Name)> _jvbs = [];

    /// <summary>The JVB containers read now, after a list that changed; what was learnt of the others is forgotten.</summary>
    public void Track(IReadOnlyList<(string Id, string Name)> jvbs)
    {
        _jvbs = jvbs;
        foreach (string gone in _inspected.Keys.Where(id => !jvbs.Any(jvb => jvb.Id == id)).ToList())
        {
            _inspected.Remove(gone);
        }
    }

    /// <summary>A new gather: a container whose inspect failed for a passing cause may be asked again.</summary>
    public void NewGather() => _failedThisGather.Clear();

    /// <summary>The name of the JVB container Jicofo calls <paramref name="nickname"/>, or null when none is, or more than one could be.</summary>
    public string? ContainerOf(string nickname, CancellationToken cancellationToken)
    {
        if (Match(nickname) is { } known)
        {
            return known.Length > 0 ? known : null;
        }

        bool inspected = false;
        foreach ((string id, string name) in _jvbs)
        {
            if (!_inspected.ContainsKey(id) && !_failedThisGather.Contains(id))
            {
                Inspect(id, name, cancellationToken);
                inspected = true;
            }
        }

        return inspected && Match(nickname) is { Length: > 0 } found ? found : null;
    }

    /// <summary>
    /// What a container's inspect says its nickname is: <c>JVB_MUC_NICKNAME</c> when set, else <c>HOSTNAME</c> as its
    /// processes see it (Docker's, from the hostname, unless the environment sets one), or null when it says neither.
    /// </summary>
    public static string? NicknameOf(DockerContainerConfig config)
    {
        // As Docker builds the environment, a later entry of the same name wins.
        string? nickname = null, hostname = null;
        foreach (string? variable in config.Env ?? [])
        {
            nickname = ValueOf(variable, NicknameVariable) ?? nickname;
            hostname = ValueOf(variable, "HOSTNAME") ?? hostname;
        }

        // The template's default takes an empty value as unset.
        string? text = nickname is { Length: > 0 } ? nickname : hostname ?? config.Hostname;
        return text is { Length: > 0 } ? text : null;
    }

    /// <summary>The one container whose nickname this is (empty when several could be), or null when none.</summary>
    private string? Match(string nickname)
    {
        string? found = null;
        foreach ((string id, string name) in _jvbs)
        {
            // A container whose nickname is not known is taken to have Docker's default hostname, its ID's prefix.
            bool match = _inspected.TryGetValue(id, out string? known) && known is not null
                ? known == nickname
                : nickname.Length == IdPrefixLength && id.StartsWith(nickname, StringComparison.Ordinal);
            if (match)
            {
                if (found is not null)
                {
                    return string.Empty;
                }

                found = name;
                if (known is null)
                {
                    // Jicofo names it by its ID's prefix: that is its nickname, and no inspect will tell more.
                    _inspected[id] = nickname;
                }
            }
        }

        return found;
    }

    private void Inspect(string id, string name, CancellationToken cancellationToken)
    {
        try
        {
            if (docker.Inspect(id, cancellationToken)?.Config is not { } config || NicknameOf(config) is not { } nickname)
            {
                _inspected[id] = null;
                log.Warn($"JVB {name}: Docker's inspect of its container names no hostname; {OnlyByIdPrefix}");
                return;
            }

            _inspected[id] = nickname;
        }
        catch (DockerContainerNotFoundException)
        {
            // Removed since the list: the next list forgets it.
            _inspected[id] = null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or DockerApiException)
        {
            // An answer that is not Docker's inspect will not become one: said once, not asked again while it runs.
            _inspected[id] = null;
            log.Warn($"JVB {name}: inspecting its container for its brewery nickname failed: {DockerFailure.Describe(ex, endpoint, timeout).Message}; {OnlyByIdPrefix}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Timed out or cut off: asked again on a later gather.
            _failedThisGather.Add(id);
            log.Debug($"JVB {name}: inspecting its container for its brewery nickname failed: {DockerFailure.Describe(ex, endpoint, timeout).Message}");
        }
    }

    private static string? ValueOf(string? variable, string key) =>
        variable is not null && variable.Length > key.Length && variable[key.Length] == '=' && variable.StartsWith(key, StringComparison.Ordinal)
            ? variable[(key.Length + 1)..]
            : null;
}
