using System.Text;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Formats;

/// <summary>The labels of the sample a reader is on, unescaped, in the order written.</summary>
internal interface ISampleLabels
{
    int LabelCount { get; }

    ReadOnlySpan<byte> LabelName(int index);

    ReadOnlySpan<byte> LabelValue(int index);
}

/// <summary>
/// The label sets of the series being mapped, each stored sorted as name 0xFF value 0xFF pairs in one reusable arena
/// (0xFF never occurs in UTF-8), so that equal label sets are equal bytes; texts kept beside them (the names of
/// stateset states); and how a label set is written as the tags of a point, merged in key order with the target tags.
/// </summary>
internal sealed class SeriesLabels
{
    private const byte Separator = 0xFF;

    private byte[] _arena = new byte[4096];
    private int _length;
    private int[] _labelOrder = new int[16];
    private int[] _labelRename = new int[16];
    private int[] _targetOrder = new int[4];
    private IReadOnlyList<TargetTag> _targets = [];
    private LabelRenames _renames = LabelRenames.None;
    private bool _targetNamedUnit;

    /// <summary>The arena: label sets and kept texts are read from it by position.</summary>
    public ReadOnlySpan<byte> Arena => _arena;

    /// <summary>Starts a new answer: nothing kept, the target tags every point gets, and the labels written under other names.</summary>
    public void Reset(IReadOnlyList<TargetTag> targets, LabelRenames renames)
    {
        _targets = targets;
        _renames = renames;
        _length = 0;
        SortTargets();
    }

    /// <summary>Forgets every label set and text kept so far.</summary>
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

    /// <summary>
    /// Stores the sample's series labels after the kept ones, sorted by name and value, and returns where; the room is
    /// reused unless <see cref="Keep"/> is called. Left out, as the Go parsers leave them out of a series' identity and
    /// its tags: <c>__name__</c>, a histogram's <c>le</c>, a summary's <c>quantile</c>, a stateset's label named as the
    /// family. Labels with an empty value stay (they tell series apart) and are dropped when the tags are written. A
    /// label the renames name is stored, and sorted, under its tag name, unless the sample has a label of that name
    /// itself: then the renamed one is left out, as a tag named twice would have InfluxDB refuse the line.
    /// </summary>
    public (int Start, int Length) Store<TSample>(scoped ref TSample sample, MetricType familyType, ReadOnlySpan<byte> familyName)
        where TSample : ISampleLabels, allows ref struct
    {
        int count = sample.LabelCount;
        if (_labelOrder.Length < count)
        {
            _labelOrder = new int[Math.Max(count, _labelOrder.Length * 2)];
            _labelRename = new int[_labelOrder.Length];
        }

        int kept = 0;
        int room = 0;
        bool renamed = false;
        for (int l = 0; l < count; l++)
        {
            ReadOnlySpan<byte> name = sample.LabelName(l);
            bool consumed = familyType switch
            {
                MetricType.Histogram or MetricType.GaugeHistogram => name.SequenceEqual("le"u8),
                MetricType.Summary => name.SequenceEqual("quantile"u8),
                MetricType.StateSet => name.SequenceEqual(familyName),
                _ => false,
            };
            if (consumed || name.SequenceEqual("__name__"u8))
            {
                continue;
            }

            _labelRename[l] = _renames.IndexOf(name);
            renamed |= _labelRename[l] >= 0;

            // Insertion sort: a sample has a handful of labels, often already in order.
            int at = kept++;
            while (at > 0 && Compare(ref sample, _labelOrder[at - 1], l) > 0)
            {
                _labelOrder[at] = _labelOrder[at - 1];
                at--;
            }

            _labelOrder[at] = l;
            room += NameOf(ref sample, l).Length + sample.LabelValue(l).Length + 2;
        }

        if (renamed)
        {
            kept = DropRenamedClashes(ref sample, kept);
        }

        EnsureArena(room);
        int start = _length;
        int length = 0;
        for (int k = 0; k < kept; k++)
        {
            length += AppendPart(NameOf(ref sample, _labelOrder[k]), start + length);
            length += AppendPart(sample.LabelValue(_labelOrder[k]), start + length);
        }

        return (start, length);
    }

    /// <summary>
    /// Writes a stored label set and the target tags in key order. A target tag replaces the labels of its name, as
    /// inputs.prometheus sets its url tag over the labels; a family's <paramref name="unit"/>, when it has one, is the
    /// tag <c>unit</c> over a label of that name but under a target tag; empty label values are not tags.
    /// </summary>
    public void WriteTags(ReadOnlySpan<byte> labels, ReadOnlySpan<byte> unit, LineProtocolWriter writer)
    {
        bool unitLeft = !unit.IsEmpty && !_targetNamedUnit;
        int t = 0;
        while (true)
        {
            // The next tag the point gets whatever its labels: a target tag, or the unit.
            bool hasFixed = t < _targets.Count;
            ReadOnlySpan<byte> fixedKey = hasFixed ? _targets[_targetOrder[t]].KeyUtf8 : default;
            bool unitNext = unitLeft && (!hasFixed || "unit"u8.SequenceCompareTo(fixedKey) < 0);
            if (unitNext)
            {
                fixedKey = "unit"u8;
                hasFixed = true;
            }

            if (labels.IsEmpty && !hasFixed)
            {
                return;
            }

            ReadOnlySpan<byte> key = default;
            ReadOnlySpan<byte> value = default;
            ReadOnlySpan<byte> rest = default;
            if (!labels.IsEmpty)
            {
                key = First(labels, out value, out rest);
            }

            int order = labels.IsEmpty ? 1 : !hasFixed ? -1 : key.SequenceCompareTo(fixedKey);
            if (order < 0)
            {
                if (!value.IsEmpty)
                {
                    writer.AddTag(key, value);
                }

                labels = rest;
                continue;
            }

            if (unitNext)
            {
                writer.AddTag(fixedKey, unit);
                unitLeft = false;
            }
            else
            {
                writer.AddTag(fixedKey, _targets[_targetOrder[t++]].ValueUtf8);
            }

            while (order == 0)
            {
                labels = rest;
                if (labels.IsEmpty)
                {
                    break;
                }

                key = First(labels, out _, out rest);
                order = key.SequenceCompareTo(fixedKey);
            }
        }
    }

    /// <summary>The first label of a stored set: its name, its value and the labels after it.</summary>
    private static ReadOnlySpan<byte> First(ReadOnlySpan<byte> labels, out ReadOnlySpan<byte> value, out ReadOnlySpan<byte> rest)
    {
        int keyEnd = labels.IndexOf(Separator);
        rest = labels[(keyEnd + 1)..];
        int valueEnd = rest.IndexOf(Separator);
        value = rest[..valueEnd];
        rest = rest[(valueEnd + 1)..];
        return labels[..keyEnd];
    }

    /// <summary>Leaves out of the sorted kept labels each renamed one whose tag name a label of the sample has itself.</summary>
    private int DropRenamedClashes<TSample>(scoped ref TSample sample, int kept)
        where TSample : ISampleLabels, allows ref struct
    {
        int written = 0;
        for (int k = 0; k < kept; k++)
        {
            int label = _labelOrder[k];
            bool clash = false;
            for (int other = 0; other < kept && _labelRename[label] >= 0 && !clash; other++)
            {
                int native = _labelOrder[other];
                clash = _labelRename[native] < 0 && sample.LabelName(native).SequenceEqual(_renames.TagName(_labelRename[label]));
            }

            if (!clash)
            {
                _labelOrder[written++] = label;
            }
        }

        return written;
    }

    private int Compare<TSample>(scoped ref TSample sample, int a, int b)
        where TSample : ISampleLabels, allows ref struct
    {
        int byName = NameOf(ref sample, a).SequenceCompareTo(NameOf(ref sample, b));
        return byName != 0 ? byName : sample.LabelValue(a).SequenceCompareTo(sample.LabelValue(b));
    }

    /// <summary>The name a label of the sample is stored and written under: its own, or the one the renames give it.</summary>
    private ReadOnlySpan<byte> NameOf<TSample>(scoped ref TSample sample, int label)
        where TSample : ISampleLabels, allows ref struct =>
        _labelRename[label] < 0 ? sample.LabelName(label) : _renames.TagName(_labelRename[label]);

    private void EnsureArena(int additional)
    {
        if (_length + additional > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_length + additional, _arena.Length * 2));
        }
    }

    private int AppendPart(ReadOnlySpan<byte> text, int at)
    {
        text.CopyTo(_arena.AsSpan(at));
        _arena[at + text.Length] = Separator;
        return text.Length + 1;
    }

    private void SortTargets()
    {
        int count = _targets.Count;
        if (_targetOrder.Length < count)
        {
            _targetOrder = new int[count];
        }

        _targetNamedUnit = false;
        for (int t = 0; t < count; t++)
        {
            _targetNamedUnit |= _targets[t].KeyUtf8.AsSpan().SequenceEqual("unit"u8);
            int at = t;
            while (at > 0 && _targets[_targetOrder[at - 1]].KeyUtf8.AsSpan().SequenceCompareTo(_targets[t].KeyUtf8) > 0)
            {
                _targetOrder[at] = _targetOrder[at - 1];
                at--;
            }

            _targetOrder[at] = t;
        }
    }
}

/// <summary>
/// Labels written as tags of other names: a component's label named as a tag that Telegraf's agent or the plugin sets on
/// its points (<c>host</c>, <c>container_name</c>, ...) is written under a name of its own, so that it neither hides
/// that tag nor is hidden by it.
/// </summary>
internal sealed class LabelRenames
{
    private readonly byte[][] _labels;
    private readonly byte[][] _tags;

    public LabelRenames(IReadOnlyList<(string Label, string Tag)> renames)
    {
        Pairs = renames;
        _labels = [.. renames.Select(rename => Encoding.UTF8.GetBytes(rename.Label))];
        _tags = [.. renames.Select(rename => Encoding.UTF8.GetBytes(rename.Tag))];
    }

    /// <summary>No label renamed, as Telegraf's parsers write them.</summary>
    public static LabelRenames None { get; } = new([]);

    /// <summary>Each renamed label with the tag name it is written under.</summary>
    public IReadOnlyList<(string Label, string Tag)> Pairs { get; }

    /// <summary>The rename of a label name, or -1 when it keeps its name.</summary>
    public int IndexOf(ReadOnlySpan<byte> label)
    {
        for (int r = 0; r < _labels.Length; r++)
        {
            if (label.SequenceEqual(_labels[r]))
            {
                return r;
            }
        }

        return -1;
    }

    public ReadOnlySpan<byte> TagName(int rename) => _tags[rename];
}
