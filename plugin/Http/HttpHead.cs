using System.Buffers.Text;
using System.Text;

namespace ExecdJvb.Http;

/// <summary>
/// What the plugin needs of an HTTP/1.x answer's head: the status, its reason phrase, how the body is framed and what it
/// is (the Content-Type, which decides how a /metrics answer is read, as it does for Telegraf).
/// </summary>
internal readonly record struct HttpHead(int Status, string Reason, long? ContentLength, bool Chunked, string? ContentType = null)
{
    /// <summary>Reads the status line and headers (each ending in CRLF, without the empty line that ends them).</summary>
    public static bool TryParse(ReadOnlySpan<byte> head, out HttpHead parsed)
    {
        parsed = default;
        int lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return false;
        }

        // HTTP/1.1 200 OK
        ReadOnlySpan<byte> statusLine = head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out int used) || used != 3 || status < 100
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            return false;
        }

        string reason = statusLine.Length > 13 ? Encoding.ASCII.GetString(statusLine[13..]).Trim() : string.Empty;
        long? contentLength = null;
        bool chunked = false;
        string? contentType = null;
        for (ReadOnlySpan<byte> rest = head[(lineEnd + 2)..]; !rest.IsEmpty;)
        {
            int end = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> name = line[..colon];
            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long announced, out int digits) || digits != value.Length || announced < 0)
                {
                    return false;
                }

                contentLength = announced;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                contentType = Encoding.Latin1.GetString(value);
            }
        }

        // A chunked body's length is in its chunks, whatever a Content-Length says (RFC 9112, 6.3).
        parsed = new HttpHead(status, reason, chunked ? null : contentLength, chunked, contentType);
        return true;
    }
}
