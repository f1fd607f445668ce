using System.Buffers.Text;

namespace ExecdJvb.Http;

/// <summary>HTTP/1.1 chunked transfer coding (RFC 9112, 7.1), joined in place.</summary>
internal static class ChunkedBody
{
    /// <summary>
    /// Moves the chunks' data to the start of <paramref name="raw"/> and returns its length, or -1 when the chunks do not
    /// end (with their last, empty chunk) within <paramref name="raw"/> or are not chunks.
    /// </summary>
    public static int Join(Span<byte> raw)
    {
        int read = 0;
        int written = 0;
        while (true)
        {
            int lineEnd = raw[read..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return -1;
            }

            // The size in hex, perhaps followed by ;extensions.
            ReadOnlySpan<byte> sizeLine = raw.Slice(read, lineEnd);
            int extension = sizeLine.IndexOf((byte)';');
            ReadOnlySpan<byte> sizeText = (extension < 0 ? sizeLine : sizeLine[..extension]).Trim((byte)' ');
            if (sizeText.IsEmpty || sizeText.Length > 8 || !Utf8Parser.TryParse(sizeText, out int size, out int used, 'x') || used != sizeText.Length || size < 0)
            {
                return -1;
            }

            read += lineEnd + 2;
            if (size == 0)
            {
                return written;
            }

            if (raw.Length - read < size + 2)
            {
                return -1;
            }

            raw.Slice(read, size).CopyTo(raw[written..]);
            written += size;
            read += size + 2;
        }
    }
}
