using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace ExecdJvb.Mapping.Json;

/// <summary>
/// The name Telegraf's JSON flattener gives the current leaf while a document is read: the keys and array indexes
/// from the top joined by "_" (<c>conference_sizes_3</c>). Each open container keeps the length of its own name (its
/// children's prefix) and, for an array, the index of its next element; the bytes live in one reusable buffer.
/// </summary>
internal sealed class FlattenedName(int maxDepth)
{
    private readonly int[] _prefixLengths = new int[maxDepth + 2];
    private readonly int[] _nextIndex = new int[maxDepth + 2];
    private byte[] _path = new byte[256];
    private int _depth;

    /// <summary>The length of the current leaf's name; 0 before the first key (a leaf without a name is not written).</summary>
    public int Length { get; private set; }

    /// <summary>The current leaf's name, valid until the next key or element.</summary>
    public ReadOnlySpan<byte> Current => _path.AsSpan(0, Length);

    /// <summary>Starts at the top-level object.</summary>
    public void Start()
    {
        _depth = 0;
        _prefixLengths[0] = 0;
        _nextIndex[0] = -1;
        Length = 0;
    }

    /// <summary>Names the next value by the property name the reader stands on.</summary>
    public void Key(ref Utf8JsonReader reader)
    {
        int prefixLength = _prefixLengths[_depth];
        int start = prefixLength > 0 ? prefixLength + 1 : 0;
        int rawLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        EnsurePath(start + rawLength);
        if (prefixLength > 0)
        {
            _path[prefixLength] = (byte)'_';
        }

        // CopyString unescapes and checks UTF-8, which costs more than a copy; a plain valid name is only copied. An
        // invalid one still goes through CopyString, so it fails the document the same way.
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && Utf8.IsValid(raw))
        {
            raw.CopyTo(_path.AsSpan(start));
            Length = start + raw.Length;
            return;
        }

        Length = start + reader.CopyString(_path.AsSpan(start));
    }

    /// <summary>Names a value inside an array by its index; a value inside an object keeps the name its key gave.</summary>
    public void NextValue()
    {
        int index = _nextIndex[_depth];
        if (index < 0)
        {
            return;
        }

        _nextIndex[_depth] = index + 1;
        int prefixLength = _prefixLengths[_depth];
        int start = prefixLength > 0 ? prefixLength + 1 : 0;
        EnsurePath(start + 11);
        if (prefixLength > 0)
        {
            _path[prefixLength] = (byte)'_';
        }

        index.TryFormat(_path.AsSpan(start), out int digits, default, CultureInfo.InvariantCulture);
        Length = start + digits;
    }

    /// <summary>Enters the object or array just named: its name is the prefix of everything in it.</summary>
    public void Open(bool array)
    {
        _depth++;
        _prefixLengths[_depth] = Length;
        _nextIndex[_depth] = array ? 0 : -1;
    }

    /// <summary>Leaves the current object or array; false when that was the top-level object.</summary>
    public bool Close() => --_depth >= 0;

    private void EnsurePath(int length)
    {
        if (length > _path.Length)
        {
            Array.Resize(ref _path, Math.Max(length, _path.Length * 2));
        }
    }
}
