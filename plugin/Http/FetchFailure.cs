using System.Net.Sockets;

namespace ExecdJvb.Http;

/// <summary>Why a GET gave no usable answer.</summary>
/// <param name="Kind">What went wrong, for whoever acts on it: the plugin's own measurement counts by it, hints choose by it.</param>
/// <param name="Message">The reason as an operator should read it, without the target's name.</param>
internal sealed record FetchFailure(FetchFailureKind Kind, string Message)
{
    /// <summary>The HTTP status of an answer that came, or 0 when none did.</summary>
    public int Status { get; init; }

    /// <summary>The socket's own error, for a connect that failed in a way without a kind of its own.</summary>
    public SocketError SocketError { get; init; }

    /// <summary>The failure of the endpoint asked first in the same read, when this one was asked in its place.</summary>
    public FetchFailure? Before { get; init; }

    /// <summary>
    /// Nothing answered at all: refused, unreachable, timed out, closed or broken, as opposed to a name that does not
    /// resolve, a failed handshake or an answer that is not HTTP.
    /// </summary>
    public bool Silent => Kind is FetchFailureKind.Refused or FetchFailureKind.Unreachable or FetchFailureKind.TimedOut
        or FetchFailureKind.Closed or FetchFailureKind.Broken;

    /// <summary>No connection that carried an answer: the silent kinds, a name, a handshake or another socket error.</summary>
    public bool NoConnection => Silent || Kind is FetchFailureKind.Dns or FetchFailureKind.Tls or FetchFailureKind.Socket;

    /// <summary>Stable while the failure stays the same (kind, status, and what failed before it), so it is logged once.</summary>
    public string Cause
    {
        get
        {
            string own = Kind switch
            {
                FetchFailureKind.HttpStatus => $"{Kind}-{Status}",
                FetchFailureKind.Socket => $"{Kind}-{SocketError}",
                _ => Kind.ToString(),
            };
            return Before is null ? own : $"{Before.Cause}+{own}";
        }
    }
}

/// <summary>What went wrong with a GET.</summary>
internal enum FetchFailureKind
{
    /// <summary>Nothing listens on the port.</summary>
    Refused,

    /// <summary>No route to the host.</summary>
    Unreachable,

    /// <summary>No complete answer within the timeout, connecting included.</summary>
    TimedOut,

    /// <summary>The connection closed before a complete answer.</summary>
    Closed,

    /// <summary>The connection broke while the answer was read.</summary>
    Broken,

    /// <summary>The host name does not resolve.</summary>
    Dns,

    /// <summary>The TLS handshake failed.</summary>
    Tls,

    /// <summary>Connecting failed with another socket error, in <see cref="FetchFailure.SocketError"/>.</summary>
    Socket,

    /// <summary>An HTTP answer whose status is not a success, in <see cref="FetchFailure.Status"/>.</summary>
    HttpStatus,

    /// <summary>The answer is not HTTP.</summary>
    NotHttp,

    /// <summary>The answer's headers are larger than the reader takes.</summary>
    HeadersTooLarge,

    /// <summary>The body is larger than max_body_size.</summary>
    TooLarge,
}
