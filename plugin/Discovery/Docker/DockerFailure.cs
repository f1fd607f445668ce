using ExecdJvb.Http;
using System.Net.Sockets;
using System.Net;
using Docker.DotNet;
using ExecdJvb.Configuration;

namespace ExecdJvb.Discovery.Docker;

/// <summary>Turns what went wrong talking to Docker into a cause (compared to log once) and a fix an operator can apply.</summary>
internal static class DockerFailure
{
    public static (string Cause, string Message) Describe(Exception error, Uri endpoint, TimeSpan timeout)
    {
        string where = $"Docker at {UrlText.Redacted(endpoint)}";
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case System.Security.Authentication.AuthenticationException tls:
                    return ("tls", $"TLS with {where} failed ({FirstLine(tls.Message)}); check tls_ca, tls_cert and tls_key (or DOCKER_CERT_PATH)");
                case SocketException { SocketErrorCode: SocketError.AccessDenied }:
                case UnauthorizedAccessException:
                    return ("denied", $"cannot read {where}: permission denied; add the user Telegraf runs as to the docker group (usermod -aG docker telegraf, then restart Telegraf) or set endpoint to a read-only socket proxy");
                case SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.HostNotFound } when endpoint.Scheme == "unix":
                    return ("missing", $"cannot reach {where}: the socket does not exist (is Docker running? inside a container, mount /var/run/docker.sock)");
                case SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock or SocketError.InProgress }:
                    return ("timeout", $"{where} did not answer within {GoDuration.Format(timeout)}");
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return ("refused", $"cannot reach {where}: connection refused (is dockerd running?)");
                case SocketException socket:
                    return ($"socket-{socket.SocketErrorCode}", $"cannot reach {where}: {socket.Message}");
                case DockerApiException api:
                    return ($"api-{(int)api.StatusCode}", $"{where} answered HTTP {(int)api.StatusCode}: {FirstLine(api.ResponseBody)}{(api.StatusCode == HttpStatusCode.Forbidden ? " (a socket proxy must allow GET /containers)" : string.Empty)}");
                case TimeoutException or OperationCanceledException:
                    return ("timeout", $"{where} did not answer within {GoDuration.Format(timeout)}");
                case System.Text.Json.JsonException or HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse }:
                    return ("not-docker", $"{where} does not answer like the Docker API ({FirstLine(e.Message)})");
                default:
                    break;
            }
        }

        Exception innermost = error;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return ($"other-{innermost.GetType().Name}", $"cannot read {where}: {FirstLine(innermost.Message)}");
    }

    private static string FirstLine(string? text)
    {
        text = (text ?? string.Empty).Trim();
        int end = text.IndexOfAny(['\r', '\n']);
        return end >= 0 ? text[..end] : text;
    }
}
