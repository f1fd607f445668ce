using System.Buffers;

namespace ExecdJvb;

/// <summary>A JVB's answer body (in a pooled buffer) or the reason there is none.</summary>
internal sealed class FetchResult
{
    private byte[]? _buffer;
    private readonly int _length;

    private FetchResult(byte[]? buffer, int length, FetchFailure? failure)
    {
        _buffer = buffer;
        _length = length;
        Failure = failure;
    }

    public FetchFailure? Failure { get; }

    public ReadOnlySpan<byte> Body => _buffer is null ? default : _buffer.AsSpan(0, _length);

    public static FetchResult Succeeded(byte[] buffer, int length) => new(buffer, length, null);

    public static FetchResult Failed(FetchFailure failure) => new(null, 0, failure);

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
