using System.Globalization;
using System.Text.Unicode;

namespace ExecdJvb.LineProtocol;

/// <summary>
/// The only place that knows line-protocol syntax. Writes points into one reusable buffer so a gather
/// costs no allocation once the buffer has grown to the batch size.
/// </summary>
internal sealed class LineProtocolWriter
{
    private byte[] _buffer;
    private int _length;
    private int _lineStart;
    private int _fieldCount;
    private LineState _state;

    // The escaped keys of the line being written, as spans of _buffer. Distinct names can be written alike (a line
    // break and a backslash-n both read back as backslash-n; trailing backslashes are trimmed), and InfluxDB refuses a
    // point whose tag key repeats or whose repeated field key changes type, so a key already in the line is refused.
    private readonly HashSet<(int Start, int Length)> _tagKeys;
    private readonly HashSet<(int Start, int Length)> _fieldKeys;

    // A caller that promises distinct field keys (BeginLine's distinctFieldKeys) spares the hashing: two distinct
    // keys can only be written alike when one of them was altered (escaped or trimmed), so the keys written so far
    // are only listed, and put into _fieldKeys the first time an altered key comes.
    private bool _distinctFieldKeys;
    private (int Start, int Length)[] _listedFieldKeys = new (int Start, int Length)[128];
    private int _listedFieldKeyCount;

    public LineProtocolWriter(int initialCapacity = 4096)
    {
        _buffer = new byte[Math.Max(initialCapacity, 64)];
        var comparer = new WrittenKeyComparer(this);
        _tagKeys = new HashSet<(int Start, int Length)>(comparer);
        _fieldKeys = new HashSet<(int Start, int Length)>(comparer);
    }

    private enum LineState
    {
        None,
        Tags,
        Fields,
    }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>The fields the line being written holds so far.</summary>
    public int FieldCount => _state == LineState.None ? 0 : _fieldCount;

    /// <summary>The bytes written so far: where a caller can later <see cref="Truncate"/> back to.</summary>
    public int WrittenLength => _length;

    /// <summary>
    /// Drops everything written after <paramref name="length"/> (a <see cref="WrittenLength"/> read earlier), for an
    /// answer that turns out to be refused whole after some of its lines were written.
    /// </summary>
    public void Truncate(int length)
    {
        if (_state != LineState.None)
        {
            throw new InvalidOperationException("a line is being written");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
        _lineStart = Math.Min(_lineStart, length);
    }

    public void Clear()
    {
        _length = 0;
        _lineStart = 0;
        _fieldCount = 0;
        _state = LineState.None;
    }

    /// <summary>
    /// Whether a measurement name can head a line unchanged (after <see cref="TrimName"/>): not empty, not a comment
    /// (a line that starts with '#' is one to every reader, and '#' has no escape), no backslash before an escape.
    /// </summary>
    public static bool IsMeasurementName(ReadOnlySpan<byte> measurement) =>
        !measurement.IsEmpty && measurement[0] != (byte)'#' && !LineProtocolEscaping.HasBackslashBeforeEscape(measurement, EscapePlace.Measurement);

    /// <summary>
    /// Starts a point; false (and nothing written) when the name cannot be encoded. With
    /// <paramref name="distinctFieldKeys"/> the caller promises never to pass the same field key twice in the
    /// line; keys that differ but would be written alike are still refused.
    /// </summary>
    public bool BeginLine(ReadOnlySpan<byte> measurement, bool distinctFieldKeys = false)
    {
        if (_state != LineState.None)
        {
            throw new InvalidOperationException("the previous line was not ended");
        }

        measurement = TrimName(measurement);
        if (!IsMeasurementName(measurement))
        {
            return false;
        }

        _lineStart = _length;
        _fieldCount = 0;
        _tagKeys.Clear();
        _fieldKeys.Clear();
        _distinctFieldKeys = distinctFieldKeys;
        _listedFieldKeyCount = 0;
        _state = LineState.Tags;
        WriteEscaped(measurement, EscapePlace.Measurement);
        return true;
    }

    /// <summary>
    /// Adds a tag; tags must come before fields and be given in key order. False, with nothing written,
    /// when key or value is empty or not UTF-8, or when the line already has a tag written with this key.
    /// </summary>
    public bool AddTag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_state != LineState.Tags)
        {
            throw new InvalidOperationException("tags go after BeginLine and before the first field");
        }

        key = TrimName(key);
        value = TrimName(value);
        if (key.IsEmpty || value.IsEmpty)
        {
            return false;
        }

        int separator = _length;
        WriteByte((byte)',');
        int start = _length;
        WriteEscaped(key, EscapePlace.Key);
        if (!_tagKeys.Add((start, _length - start)))
        {
            _length = separator;
            return false;
        }

        WriteByte((byte)'=');
        WriteEscaped(value, EscapePlace.Key);
        return true;
    }

    public bool AddField(ReadOnlySpan<byte> key, double value)
    {
        if (!double.IsFinite(value) || !StartField(key))
        {
            return false;
        }

        // Telegraf's influx serializer: strconv.AppendFloat(buf, v, 'f', -1, 64), never an exponent.
        EnsureCapacity(GoFloatFormat.MaxLength);
        _length += GoFloatFormat.FormatF(value, _buffer.AsSpan(_length));
        return true;
    }

    /// <summary>
    /// Adds a float field from text that is already what <see cref="GoFloatFormat.FormatF(double, Span{byte})"/> writes
    /// for its value, such as an integer copied from JSON, for a caller that has checked both already:
    /// <paramref name="utf8Key"/> is valid UTF-8 and <paramref name="shortestF"/> passed <see cref="GoFloatFormat.IsShortestF"/>.
    /// The streaming mapper has, for every leaf of a document, and the second checks were a tenth of its time.
    /// </summary>
    public bool AddPrecheckedFloatField(ReadOnlySpan<byte> utf8Key, ReadOnlySpan<byte> shortestF)
    {
        // The usual key has nothing to escape or trim and, in a line of distinct keys, nothing to compare: it and its
        // value go in with one search and two copies.
        if (_distinctFieldKeys && _state != LineState.None && LineProtocolEscaping.IsPlainKey(utf8Key))
        {
            EnsureCapacity(utf8Key.Length + shortestF.Length + 2);
            Span<byte> destination = _buffer.AsSpan(_length);
            destination[0] = _state == LineState.Tags ? (byte)' ' : (byte)',';
            utf8Key.CopyTo(destination[1..]);
            IsNewFieldKey(_length + 1, utf8Key.Length, altered: false);
            destination[utf8Key.Length + 1] = (byte)'=';
            shortestF.CopyTo(destination[(utf8Key.Length + 2)..]);
            _length += utf8Key.Length + shortestF.Length + 2;
            _state = LineState.Fields;
            _fieldCount++;
            return true;
        }

        if (!StartField(utf8Key, keyIsUtf8: true))
        {
            return false;
        }

        WriteBytes(shortestF);
        return true;
    }

    /// <summary>An integer field (<c>1i</c>), for the one value Telegraf writes as an integer rather than a float.</summary>
    public bool AddIntegerField(ReadOnlySpan<byte> key, long value)
    {
        if (!StartField(key))
        {
            return false;
        }

        EnsureCapacity(21);
        value.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
        _buffer[_length++] = (byte)'i';
        return true;
    }

    public bool AddField(ReadOnlySpan<byte> key, bool value)
    {
        if (!StartField(key))
        {
            return false;
        }

        WriteBytes(value ? "true"u8 : "false"u8);
        return true;
    }

    public bool AddStringField(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!Utf8.IsValid(value) || !StartField(key))
        {
            return false;
        }

        WriteByte((byte)'"');
        WriteEscaped(value, EscapePlace.StringValue);
        WriteByte((byte)'"');
        return true;
    }

    /// <summary>Ends the point; a point without fields is invalid line protocol and is rolled back (false).</summary>
    public bool EndLine(long timestampNanoseconds)
    {
        if (_state == LineState.None)
        {
            throw new InvalidOperationException("no line was begun");
        }

        _state = LineState.None;
        if (_fieldCount == 0)
        {
            _length = _lineStart;
            return false;
        }

        EnsureCapacity(22);
        _buffer[_length++] = (byte)' ';
        timestampNanoseconds.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
        _buffer[_length++] = (byte)'\n';
        return true;
    }

    /// <summary>Drops the line being written, as if it had never been begun.</summary>
    public void AbandonLine()
    {
        _length = _lineStart;
        _state = LineState.None;
    }

    /// <summary>
    /// A name as it can be written: trailing backslashes dropped (they would escape the separator after
    /// them, as Telegraf's serializer also trims), or empty when nothing encodable is left.
    /// </summary>
    public static ReadOnlySpan<byte> TrimName(ReadOnlySpan<byte> name)
    {
        if (!Utf8.IsValid(name))
        {
            return default;
        }

        return name.TrimEnd((byte)'\\');
    }

    private bool StartField(ReadOnlySpan<byte> key, bool keyIsUtf8 = false)
    {
        if (_state == LineState.None)
        {
            throw new InvalidOperationException("fields go after BeginLine");
        }

        int rawLength = key.Length;
        key = keyIsUtf8 ? key.TrimEnd((byte)'\\') : TrimName(key);
        if (key.IsEmpty || LineProtocolEscaping.HasBackslashBeforeEscape(key, EscapePlace.Key))
        {
            return false;
        }

        int separator = _length;
        WriteByte(_state == LineState.Tags ? (byte)' ' : (byte)',');
        int start = _length;
        bool altered = WriteEscaped(key, EscapePlace.Key) || key.Length != rawLength;
        if (!IsNewFieldKey(start, _length - start, altered))
        {
            _length = separator;
            return false;
        }

        _state = LineState.Fields;
        WriteByte((byte)'=');
        _fieldCount++;
        return true;
    }

    private bool IsNewFieldKey(int start, int length, bool altered)
    {
        if (_distinctFieldKeys)
        {
            if (!altered)
            {
                if (_listedFieldKeyCount == _listedFieldKeys.Length)
                {
                    Array.Resize(ref _listedFieldKeys, _listedFieldKeys.Length * 2);
                }

                _listedFieldKeys[_listedFieldKeyCount++] = (start, length);
                return true;
            }

            _distinctFieldKeys = false;
            for (int i = 0; i < _listedFieldKeyCount; i++)
            {
                _fieldKeys.Add(_listedFieldKeys[i]);
            }
        }

        return _fieldKeys.Add((start, length));
    }

    /// <summary>Writes the text escaped for its place; true when that changed it.</summary>
    private bool WriteEscaped(ReadOnlySpan<byte> text, EscapePlace place)
    {
        // Almost every name and value needs no escape: one vectorised search, then one copy.
        if (!LineProtocolEscaping.NeedsEscape(text, place))
        {
            WriteBytes(text);
            return false;
        }

        EnsureCapacity(text.Length * 2);
        _length += LineProtocolEscaping.Escape(text, place, _buffer.AsSpan(_length));
        return true;
    }

    private void WriteByte(byte value)
    {
        EnsureCapacity(1);
        _buffer[_length++] = value;
    }

    private void WriteBytes(ReadOnlySpan<byte> value)
    {
        EnsureCapacity(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    private sealed class WrittenKeyComparer(LineProtocolWriter writer) : IEqualityComparer<(int Start, int Length)>
    {
        public bool Equals((int Start, int Length) x, (int Start, int Length) y) =>
            writer._buffer.AsSpan(x.Start, x.Length).SequenceEqual(writer._buffer.AsSpan(y.Start, y.Length));

        public int GetHashCode((int Start, int Length) key)
        {
            var hash = default(HashCode);
            hash.AddBytes(writer._buffer.AsSpan(key.Start, key.Length));
            return hash.ToHashCode();
        }
    }

    private void EnsureCapacity(int additional)
    {
        if (_length + additional <= _buffer.Length)
        {
            return;
        }

        int size = Math.Max(_buffer.Length * 2, _length + additional);
        Array.Resize(ref _buffer, size);
    }
}
