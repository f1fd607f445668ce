using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>
/// The label sets of a family's series, each stored sorted as name 0xFF value 0xFF pairs in one reusable arena (0xFF
/// never occurs in UTF-8), so that equal label sets are equal bytes; the names of stateset states beside them; and
/// how a label set is written as the tags of a point.
/// </summary>
internal sealed class OpenMetricsSeriesLabels
{
    private const byte Separator = 0xFF;

    private byte[] _arena = new byte[4096];
    private int _length;
    private int[] _labelOrder = new int[16];
    private IReadOnlyList<TargetTag> _targets = [];
    private Tag[] _tags = new Tag[16];
    private byte[] _tagText = new byte[1024];

    /// <summary>The arena: label sets and state names are read from it by position.</summary>
    public ReadOnlySpan<byte> Arena => _arena;

    /// <summary>Starts a new answer: nothing kept, and the target tags every point gets.</summary>
    public void Reset(IReadOnlyList<TargetTag> targets)
    {
        _targets = targets;
        _length = 0;
    }

    /// <summary>Forgets every label set and name kept so far.</summary>
    public void Clear() => _length = 0;

    public ReadOnlySpan<byte> At(int start, int length) => _arena.AsSpan(start, length);

    /// <summary>Keeps the label set just stored (a new series), so what comes next goes after it.</summary>
    public void Keep(int start, int length) => _length = start + length;

    /// <summary>Keeps a text (a state's name) after the kept label sets, and returns where.</summary>
    public int Append(ReadOnlySpan<byte> text)
    {
        EnsureArena(text.Length);
        int start = _length;
        text.CopyTo(_arena.AsSpan(start));
        _length += text.Length;
        return start;
    }

    private void EnsureArena(int additional)
    {
        if (_length + additional > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_length + additional, _arena.Length * 2));
        }
    }

    /// <summary>
    /// Stores the sample's series labels after the kept ones, sorted by name and value, and returns where; the room is
    /// reused unless the sample starts a series. Left out, as Telegraf leaves them out of a series' identity and its
    /// tags: <c>__name__</c>, a histogram's <c>le</c>, a summary's <c>quantile</c>, a stateset's label named as the family.
    /// </summary>
    public (int Start, int Length) Store(ref OpenMetricsTextReader reader, OpenMetricsMetricType familyType, ReadOnlySpan<byte> familyName)
    {
        int count = reader.LabelCount;
        if (_labelOrder.Length < count)
        {
            _labelOrder = new int[Math.Max(count, _labelOrder.Length * 2)];
        }

        int kept = 0;
        int room = 0;
        for (int l = 0; l < count; l++)
        {
            ReadOnlySpan<byte> name = reader.LabelName(l);
            bool special = name.SequenceEqual("__name__"u8)
                || (familyType == OpenMetricsMetricType.StateSet && name.SequenceEqual(familyName))
                || (familyType is OpenMetricsMetricType.Histogram or OpenMetricsMetricType.GaugeHistogram && name.SequenceEqual("le"u8))
                || (familyType == OpenMetricsMetricType.Summary && name.SequenceEqual("quantile"u8));
            if (special)
            {
                continue;
            }

            int at = kept++;
            while (at > 0 && Compare(ref reader, _labelOrder[at - 1], l) > 0)
            {
                _labelOrder[at] = _labelOrder[at - 1];
                at--;
            }

            _labelOrder[at] = l;
            room += name.Length + reader.LabelValue(l).Length + 2;
        }

        EnsureArena(room);
        int start = _length;
        int length = 0;
        for (int k = 0; k < kept; k++)
        {
            length += AppendPart(reader.LabelName(_labelOrder[k]), start + length);
            length += AppendPart(reader.LabelValue(_labelOrder[k]), start + length);
        }

        return (start, length);
    }

    private static int Compare(ref OpenMetricsTextReader reader, int a, int b)
    {
        int byName = reader.LabelName(a).SequenceCompareTo(reader.LabelName(b));
        return byName != 0 ? byName : reader.LabelValue(a).SequenceCompareTo(reader.LabelValue(b));
    }

    private int AppendPart(ReadOnlySpan<byte> text, int at)
    {
        text.CopyTo(_arena.AsSpan(at));
        _arena[at + text.Length] = Separator;
        return text.Length + 1;
    }


    /// <summary>
    /// The tags of a point in key order: the series' labels with a value, the family's unit over a label named
    /// <c>unit</c>, and the target tags over labels of their names, as inputs.prometheus sets its url tag last.
    /// </summary>
    public void WriteTags(ReadOnlySpan<byte> labels, ReadOnlySpan<byte> unit, LineProtocolWriter writer)
    {
        int count = 0;
        int textLength = 0;
        for (int t = 0; t < _targets.Count; t++)
        {
            AddTag(_targets[t].KeyUtf8, _targets[t].ValueUtf8, ref count, ref textLength);
        }

        if (!unit.IsEmpty && !IsTargetKey("unit"u8))
        {
            AddTag("unit"u8, unit, ref count, ref textLength);
        }

        while (!labels.IsEmpty)
        {
            int keyEnd = labels.IndexOf(Separator);
            ReadOnlySpan<byte> key = labels[..keyEnd];
            ReadOnlySpan<byte> rest = labels[(keyEnd + 1)..];
            int valueEnd = rest.IndexOf(Separator);
            ReadOnlySpan<byte> value = rest[..valueEnd];
            labels = rest[(valueEnd + 1)..];
            if (!value.IsEmpty && !IsTargetKey(key) && !(!unit.IsEmpty && key.SequenceEqual("unit"u8)))
            {
                AddTag(key, value, ref count, ref textLength);
            }
        }

        for (int i = 1; i < count; i++)
        {
            Tag tag = _tags[i];
            int at = i;
            while (at > 0 && TagKey(_tags[at - 1]).SequenceCompareTo(TagKey(tag)) > 0)
            {
                _tags[at] = _tags[at - 1];
                at--;
            }

            _tags[at] = tag;
        }

        for (int i = 0; i < count; i++)
        {
            writer.AddTag(TagKey(_tags[i]), _tagText.AsSpan(_tags[i].ValueStart, _tags[i].ValueLength));
        }
    }

    private ReadOnlySpan<byte> TagKey(Tag tag) => _tagText.AsSpan(tag.KeyStart, tag.KeyLength);

    private bool IsTargetKey(ReadOnlySpan<byte> key)
    {
        for (int t = 0; t < _targets.Count; t++)
        {
            if (key.SequenceEqual(_targets[t].KeyUtf8))
            {
                return true;
            }
        }

        return false;
    }

    private void AddTag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ref int count, ref int textLength)
    {
        if (count == _tags.Length)
        {
            Array.Resize(ref _tags, _tags.Length * 2);
        }

        if (textLength + key.Length + value.Length > _tagText.Length)
        {
            Array.Resize(ref _tagText, Math.Max(textLength + key.Length + value.Length, _tagText.Length * 2));
        }

        key.CopyTo(_tagText.AsSpan(textLength));
        value.CopyTo(_tagText.AsSpan(textLength + key.Length));
        _tags[count++] = new Tag(textLength, key.Length, textLength + key.Length, value.Length);
        textLength += key.Length + value.Length;
    }

    private readonly record struct Tag(int KeyStart, int KeyLength, int ValueStart, int ValueLength);
}
