using System.Buffers;

namespace ExecdJvb.Http;

/// <summary>
/// A JVB's answer: its HTTP status, its body (in a pooled buffer) and, unless it is a success, the reason it is
/// not one. A failure may carry a body too, when the caller asked for error bodies (a health check's reason).
/// </summary>
internal sealed class FetchResult
{
    private byte[]? _buffer;
    private readonly int _offset;
    private readonly int _length;

    private FetchResult(int status, byte[]? buffer, int offset, int length, FetchFailure? failure)
    {
        Status = status;
        _buffer = buffer;
        _offset = offset;
        _length = length;
        Failure = failure;
    }

    public FetchFailure? Failure { get; }

    /// <summary>The HTTP status code, or 0 when no HTTP answer came (refused, timeout, not HTTP).</summary>
    public int Status { get; }

    public ReadOnlySpan<byte> Body => _buffer is null ? default : _buffer.AsSpan(_offset, _length);

    /// <summary>The answer's Content-Type header as sent, or null when it sent none.</summary>
    public string? ContentType { get; private init; }

    public static FetchResult Succeeded(int status, byte[] buffer, int offset, int length, string? contentType = null) =>
        new(status, buffer, offset, length, null) { ContentType = contentType };

    public static FetchResult Failed(FetchFailure failure) => new(0, null, 0, 0, failure);

    /// <summary>An HTTP answer that is not a success; <paramref name="buffer"/> holds its body, or is null when not read.</summary>
    public static FetchResult Failed(FetchFailure failure, int status, byte[]? buffer = null, int offset = 0, int length = 0) => new(status, buffer, offset, length, failure);

    /// <summary>Whether this result keeps <paramref name="buffer"/>, so its owner must not return it.</summary>
    public bool Holds(byte[] buffer) => ReferenceEquals(_buffer, buffer);

    /// <summary>Gives the body's buffer back to the pool; the body must not be read afterwards.</summary>
    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
