using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ExecdJvb;

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

    public LineProtocolWriter(int initialCapacity = 4096)
    {
        _buffer = new byte[Math.Max(initialCapacity, 64)];
    }

    private enum LineState
    {
        None,
        Tags,
        Fields,
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public int LineCount { get; private set; }

    public void Clear()
    {
        _length = 0;
        _lineStart = 0;
        _fieldCount = 0;
        _state = LineState.None;
        LineCount = 0;
    }

    /// <summary>Starts a point; false (and nothing written) when the name cannot be encoded.</summary>
    public bool BeginLine(ReadOnlySpan<byte> measurement)
    {
        if (_state != LineState.None)
        {
            throw new InvalidOperationException("the previous line was not ended");
        }

        measurement = TrimName(measurement);
        if (measurement.IsEmpty)
        {
            return false;
        }

        _lineStart = _length;
        _fieldCount = 0;
        _state = LineState.Tags;
        WriteEscaped(measurement, EscapeSet.Measurement);
        return true;
    }

    public bool BeginLine(string measurement) => BeginLine(Encoding.UTF8.GetBytes(measurement));

    /// <summary>
    /// Adds a tag; tags must come before fields and be given in key order. False, with nothing written,
    /// when key or value is empty or not UTF-8.
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

        WriteByte((byte)',');
        WriteEscaped(key, EscapeSet.Key);
        WriteByte((byte)'=');
        WriteEscaped(value, EscapeSet.Key);
        return true;
    }

    public bool AddTag(string key, string value) => AddTag(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));

    public bool AddField(ReadOnlySpan<byte> key, double value)
    {
        if (!double.IsFinite(value) || !StartField(key))
        {
            return false;
        }

        EnsureCapacity(GoFloatFormat.MaxLength);
        _length += GoFloatFormat.FormatG(value, _buffer.AsSpan(_length));
        return true;
    }

    public bool AddField(ReadOnlySpan<byte> key, long value)
    {
        if (!StartField(key))
        {
            return false;
        }

        EnsureCapacity(21);
        value.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
        WriteByte((byte)'i');
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
        WriteEscaped(value, EscapeSet.StringValue);
        WriteByte((byte)'"');
        return true;
    }

    public bool AddField(string key, double value) => AddField(Encoding.UTF8.GetBytes(key), value);

    public bool AddField(string key, long value) => AddField(Encoding.UTF8.GetBytes(key), value);

    public bool AddField(string key, bool value) => AddField(Encoding.UTF8.GetBytes(key), value);

    public bool AddStringField(string key, string value) => AddStringField(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));

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
        LineCount++;
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

    private bool StartField(ReadOnlySpan<byte> key)
    {
        if (_state == LineState.None)
        {
            throw new InvalidOperationException("fields go after BeginLine");
        }

        key = TrimName(key);
        if (key.IsEmpty)
        {
            return false;
        }

        WriteByte(_state == LineState.Tags ? (byte)' ' : (byte)',');
        _state = LineState.Fields;
        WriteEscaped(key, EscapeSet.Key);
        WriteByte((byte)'=');
        _fieldCount++;
        return true;
    }

    private enum EscapeSet
    {
        Measurement,
        Key,
        StringValue,
    }

    private void WriteEscaped(ReadOnlySpan<byte> text, EscapeSet set)
    {
        EnsureCapacity(text.Length * 2);
        Span<byte> destination = _buffer.AsSpan(_length);
        int written = 0;
        foreach (byte c in text)
        {
            switch (c)
            {
                case (byte)',' or (byte)' ' when set != EscapeSet.StringValue:
                case (byte)'=' when set == EscapeSet.Key:
                case (byte)'"' or (byte)'\\' when set == EscapeSet.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = c;
                    break;

                // Names cannot hold control characters that end a line; Telegraf writes them as two characters.
                case (byte)'\n' when set != EscapeSet.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'n';
                    break;
                case (byte)'\r' when set != EscapeSet.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'r';
                    break;
                case (byte)'\t' when set != EscapeSet.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'t';
                    break;
                case (byte)'\f' when set != EscapeSet.StringValue:
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'f';
                    break;
                default:
                    destination[written++] = c;
                    break;
            }
        }

        _length += written;
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
