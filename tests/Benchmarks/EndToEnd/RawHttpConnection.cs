using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The least an HTTP/1.1 client can do for one GET: a request made once, blocking socket calls, one buffer,
/// the answer read to its last byte and not parsed beyond its framing (Content-Length, chunked, or close).
/// The connection is kept alive while the server allows it and opened again when it does not (busybox
/// httpd closes after every answer), as any client must. Send and Receive are apart so that several
/// servers can work on their answers at the same time.
/// </summary>
internal sealed class RawHttpConnection(EndPoint server, string host, string target) : IDisposable
{
    private readonly byte[] _request = Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n");
    private byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;
    private bool _reused;

    public string Target => target;

    public void Send()
    {
        _reused = _socket is not null;
        _socket ??= Connect();
        try
        {
            _socket.Send(_request);
        }
        catch (SocketException) when (_reused)
        {
            Reconnect();
        }
    }

    /// <summary>Reads the whole answer to the request sent last; returns the body's length.</summary>
    public int Receive()
    {
        int body = TryReceive();
        if (body < 0)
        {
            // The server closed an idle kept-alive connection before answering: once more on a new one.
            Reconnect();
            body = TryReceive();
        }

        return body >= 0 ? body : throw new InvalidOperationException($"{server}{target} closed the connection without an answer");
    }

    public void Dispose() => _socket?.Dispose();

    private void Reconnect()
    {
        _socket?.Dispose();
        _socket = Connect();
        _reused = false;
        _socket.Send(_request);
    }

    private Socket Connect()
    {
        var socket = server.AddressFamily == AddressFamily.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(server);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The body length, or -1 when a reused connection turned out closed before any byte came.</summary>
    private int TryReceive()
    {
        Socket socket = _socket ?? throw new InvalidOperationException("Receive without Send");
        int filled = 0;
        int headEnd;
        while ((headEnd = _buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            int read = Fill(socket, ref filled);
            if (read == 0)
            {
                if (filled == 0 && _reused)
                {
                    return -1;
                }

                throw new InvalidOperationException($"{server}{target} closed the connection in the middle of the answer's head");
            }
        }

        ReadOnlySpan<byte> head = _buffer.AsSpan(0, headEnd + 2);
        if (head.Length < 12 || !head[9..12].SequenceEqual("200"u8))
        {
            throw new InvalidOperationException($"{server}{target} answered {Encoding.ASCII.GetString(head[..head.IndexOf("\r\n"u8)])}");
        }

        bool close = head.StartsWith("HTTP/1.0"u8) || HeaderIs(head, "connection"u8, "close"u8);
        int bodyStart = headEnd + 4;
        int length;
        if (HeaderValue(head, "content-length"u8) is { } announced)
        {
            length = ParseInt(head[announced]);
            while (filled < bodyStart + length)
            {
                if (Fill(socket, ref filled) == 0)
                {
                    throw new InvalidOperationException($"{server}{target} closed the connection before the end of its body");
                }
            }
        }
        else if (HeaderIs(head, "transfer-encoding"u8, "chunked"u8))
        {
            length = ReadChunked(socket, bodyStart, ref filled);
        }
        else
        {
            while (Fill(socket, ref filled) > 0)
            {
            }

            length = filled - bodyStart;
            close = true;
        }

        if (close)
        {
            _socket.Dispose();
            _socket = null;
        }

        return length;
    }

    /// <summary>Reads chunk after chunk up to the last (empty) one and its blank line; returns the data length.</summary>
    private int ReadChunked(Socket socket, int position, ref int filled)
    {
        int data = 0;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(position, filled - position).IndexOf("\r\n"u8)) < 0)
            {
                Need(socket, ref filled);
            }

            ReadOnlySpan<byte> sizeLine = _buffer.AsSpan(position, lineEnd);
            int extension = sizeLine.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(extension < 0 ? sizeLine : sizeLine[..extension], out int size, out _, 'x'))
            {
                throw new InvalidOperationException($"{server}{target} sent a bad chunk size '{Encoding.ASCII.GetString(sizeLine)}'");
            }

            position += lineEnd + 2;
            if (size == 0)
            {
                // No trailers from these servers: the blank line ends the answer.
                while (filled < position + 2)
                {
                    Need(socket, ref filled);
                }

                return data;
            }

            while (filled < position + size + 2)
            {
                Need(socket, ref filled);
            }

            position += size + 2;
            data += size;
        }
    }

    private void Need(Socket socket, ref int filled)
    {
        if (Fill(socket, ref filled) == 0)
        {
            throw new InvalidOperationException($"{server}{target} closed the connection in the middle of a chunked body");
        }
    }

    private int Fill(Socket socket, ref int filled)
    {
        if (filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read = socket.Receive(_buffer, filled, _buffer.Length - filled, SocketFlags.None);
        filled += read;
        return read;
    }

    private static bool HeaderIs(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        HeaderValue(head, name) is { } found && Ascii.EqualsIgnoreCase(head[found], value);

    /// <summary>Where the value of the named header sits in the head (without allocating, as all of this class).</summary>
    private static Range? HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
    {
        foreach (Range range in head.Split("\r\n"u8))
        {
            ReadOnlySpan<byte> line = head[range];
            int colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon], name))
            {
                int start = range.Start.GetOffset(head.Length) + colon + 1;
                int end = range.End.GetOffset(head.Length);
                while (start < end && head[start] == (byte)' ')
                {
                    start++;
                }

                while (end > start && head[end - 1] == (byte)' ')
                {
                    end--;
                }

                return start..end;
            }
        }

        return null;
    }

    private int ParseInt(ReadOnlySpan<byte> digits) =>
        Utf8Parser.TryParse(digits, out int value, out int consumed) && consumed == digits.Length
            ? value
            : throw new InvalidOperationException($"{server}{target} sent a bad Content-Length '{Encoding.ASCII.GetString(digits)}'");
}
