using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace ExecdJvb.Http;

/// <summary>
/// Reads one HTTP/1.x answer from a connection the request was sent on: status line and headers, then the body to its
/// announced length, to its last chunk or to the end of the connection, each read bounded by the deadline.
/// </summary>
internal sealed class HttpAnswerReader(long maxBodySize)
{
    /// <summary>An error page is read only this far: enough for a health check's reason, never a large page whole.</summary>
    private const int ErrorBodyLimit = 4096;

    /// <summary>Status line and headers together; a JVB's are a few hundred bytes.</summary>
    private const int MaxHeaderBytes = 64 * 1024;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Milliseconds left before the deadline (a TickCount64 value), at least 1.</summary>
    public static int Remaining(long deadline) => (int)Math.Max(1, deadline - Environment.TickCount64);

    /// <summary>Reads into <paramref name="buffer"/> after <paramref name="length"/> bytes; 0 at the end of the answer.</summary>
    private static int Read(Socket socket, SslStream? tls, byte[] buffer, int length, long deadline)
    {
        int room = buffer.Length - length;
        if (tls is not null)
        {
            socket.ReceiveTimeout = Remaining(deadline);
            return tls.Read(buffer, length, room);
        }

        if (!socket.Poll(TimeSpan.FromMilliseconds(Remaining(deadline)), SelectMode.SelectRead))
        {
            throw new SocketException((int)SocketError.TimedOut);
        }

        return socket.Receive(buffer, length, room, SocketFlags.None);
    }

    public FetchResult Read(Socket socket, SslStream? tls, ref byte[] buffer, long deadline, bool keepErrorBody)
    {
        // The status line and headers.
        int length = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, length).IndexOf(HeaderEnd)) < 0)
        {
            if (length >= MaxHeaderBytes)
            {
                return FetchResult.Failed(new FetchFailure(FetchFailureKind.HeadersTooLarge, "the answer's headers are too large"));
            }

            int read = Read(socket, tls, Grow(ref buffer, length, MaxHeaderBytes + 4), length, deadline);
            if (read == 0)
            {
                return FetchResult.Failed(length == 0 || LooksLikeHttp(buffer.AsSpan(0, length))
                    ? new FetchFailure(FetchFailureKind.Closed, "the connection closed before a complete answer")
                    : new FetchFailure(FetchFailureKind.NotHttp, "the answer is not HTTP"));
            }

            length += read;
        }

        if (!HttpHead.TryParse(buffer.AsSpan(0, headerEnd + 2), out HttpHead head))
        {
            return FetchResult.Failed(new FetchFailure(FetchFailureKind.NotHttp, "the answer is not HTTP"));
        }

        bool success = head.Status is >= 200 and < 300;
        FetchFailure? failure = success ? null : StatusFailure(head.Status, head.Reason);
        if (!success && !keepErrorBody)
        {
            return FetchResult.Failed(failure!, head.Status);
        }

        long limit = success ? maxBodySize : ErrorBodyLimit;
        if (success && head.ContentLength > limit)
        {
            return FetchResult.Failed(TooLarge($"the answer announces {head.ContentLength} bytes, more"), head.Status);
        }

        // The body, to its announced length or to the end of the connection; chunks are joined once it is all in.
        int bodyStart = headerEnd + HeaderEnd.Length;
        long wanted = head.ContentLength ?? long.MaxValue;
        long rawLimit = head.Chunked ? (2 * limit) + 4096 : limit + 1;
        while (length - bodyStart < wanted && length - bodyStart <= rawLimit)
        {
            int read = Read(socket, tls, Grow(ref buffer, length, (int)Math.Min(bodyStart + rawLimit + 1, int.MaxValue)), length, deadline);
            if (read == 0)
            {
                if (head.ContentLength is not null)
                {
                    return success ? FetchResult.Failed(new FetchFailure(FetchFailureKind.Closed, "the connection closed before a complete answer")) : FetchResult.Failed(failure!, head.Status);
                }

                break;
            }

            length += read;
        }

        int bodyLength = (int)Math.Min(length - bodyStart, wanted);
        if (head.Chunked)
        {
            bodyLength = ChunkedBody.Join(buffer.AsSpan(bodyStart, bodyLength));
            if (bodyLength < 0)
            {
                return success
                    ? FetchResult.Failed(length - bodyStart > rawLimit ? TooLarge("the answer is larger") : new FetchFailure(FetchFailureKind.Closed, "the connection closed before a complete answer"))
                    : FetchResult.Failed(failure!, head.Status);
            }
        }

        if (!success)
        {
            return FetchResult.Failed(failure!, head.Status, buffer, bodyStart, (int)Math.Min(bodyLength, ErrorBodyLimit));
        }

        return bodyLength > maxBodySize
            ? FetchResult.Failed(TooLarge("the answer is larger"), head.Status)
            : FetchResult.Succeeded(head.Status, buffer, bodyStart, bodyLength, head.ContentType);
    }

    private static bool LooksLikeHttp(ReadOnlySpan<byte> start) =>
        "HTTP/"u8.StartsWith(start[..Math.Min(start.Length, 5)]);

    /// <summary>The buffer with room after <paramref name="length"/> bytes, up to <paramref name="cap"/> bytes in all.</summary>
    private static byte[] Grow(ref byte[] buffer, int length, int cap)
    {
        if (length < buffer.Length)
        {
            return buffer;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(cap, length + 1), (long)buffer.Length * 2));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
        return buffer;
    }

    private FetchFailure TooLarge(string what) =>
        new(FetchFailureKind.TooLarge, $"{what} than max_body_size ({maxBodySize} bytes); is this really a Jitsi component's stats URL?");

    /// <summary>The status alone: what it means for a component is the reader's to say, as it knows which one it asked.</summary>
    private static FetchFailure StatusFailure(int status, string reason) =>
        new(FetchFailureKind.HttpStatus, $"HTTP {status} {reason}".TrimEnd()) { Status = status };
}
