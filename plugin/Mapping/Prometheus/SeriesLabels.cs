using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping.Prometheus;

/// <summary>
/// The label sets of the series being mapped, each stored sorted by name as name 0xFF value 0xFF pairs in one
/// reusable arena (0xFF never occurs in UTF-8), so that equal label sets are equal bytes; and how a label set is
/// written as the tags of a point, merged with the target tags in key order.
/// </summary>
internal sealed class SeriesLabels
{
    private const byte Separator = 0xFF;

    private byte[] _arena = new byte[4096];
    private int _arenaLength;
    private int[] _labelOrder = new int[16];
    private int[] _targetOrder = new int[4];
    private IReadOnlyList<TargetTag> _targets = [];

    /// <summary>Starts a new answer: no label sets, and the target tags every point gets.</summary>
    public void Reset(IReadOnlyList<TargetTag> targets)
    {
        _targets = targets;
        _arenaLength = 0;
        SortTargets();
    }

    /// <summary>Forgets every label set kept so far.</summary>
    public void Clear() => _arenaLength = 0;

    public ReadOnlySpan<byte> At(int start, int length) => _arena.AsSpan(start, length);

    /// <summary>
    /// Stores the sample's labels after the kept ones, sorted by name, without the <c>le</c>/<c>quantile</c> its
    /// family consumes, and returns where. Labels with an empty value stay (they tell series apart in the Go parser)
    /// and are dropped when the tags are written. The room is reused by the next sample unless <see cref="Keep"/> is called.
    /// </summary>
    public (int Start, int Length) Store(ref PrometheusTextReader reader)
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
            if (l == reader.BoundLabelIndex)
            {
                continue;
            }

            // Insertion sort: a sample has a handful of labels, often already in order.
            ReadOnlySpan<byte> key = reader.LabelName(l);
            int at = kept++;
            while (at > 0 && reader.LabelName(_labelOrder[at - 1]).SequenceCompareTo(key) > 0)
            {
                _labelOrder[at] = _labelOrder[at - 1];
                at--;
            }

            _labelOrder[at] = l;
            room += key.Length + reader.LabelValue(l).Length + 2;
        }

        int start = _arenaLength;
        if (start + room > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(start + room, _arena.Length * 2));
        }

        int length = 0;
        for (int k = 0; k < kept; k++)
        {
            length += Append(reader.LabelName(_labelOrder[k]), start + length);
            length += Append(reader.LabelValue(_labelOrder[k]), start + length);
        }

        return (start, length);
    }

    /// <summary>Keeps the label set just stored (a new series), so the next one goes after it.</summary>
    public void Keep(int start, int length) => _arenaLength = start + length;

    /// <summary>
    /// Writes a stored label set merged with the target tags in key order. A target tag replaces a label of the
    /// same name, as inputs.prometheus sets its url tag over the labels; empty label values are not tags.
    /// </summary>
    public void WriteTags(ReadOnlySpan<byte> labels, LineProtocolWriter writer)
    {
        int t = 0;
        while (!labels.IsEmpty || t < _targets.Count)
        {
            ReadOnlySpan<byte> key = default;
            ReadOnlySpan<byte> value = default;
            ReadOnlySpan<byte> rest = default;
            if (!labels.IsEmpty)
            {
                int keyEnd = labels.IndexOf(Separator);
                key = labels[..keyEnd];
                rest = labels[(keyEnd + 1)..];
                int valueEnd = rest.IndexOf(Separator);
                value = rest[..valueEnd];
                rest = rest[(valueEnd + 1)..];
            }

            int order = labels.IsEmpty ? 1
                : t >= _targets.Count ? -1
                : key.SequenceCompareTo(_targets[_targetOrder[t]].KeyUtf8);
            if (order < 0)
            {
                if (!value.IsEmpty)
                {
                    writer.AddTag(key, value);
                }

                labels = rest;
                continue;
            }

            TargetTag target = _targets[_targetOrder[t++]];
            writer.AddTag(target.KeyUtf8, target.ValueUtf8);
            if (order == 0)
            {
                labels = rest;
            }
        }
    }

    private int Append(ReadOnlySpan<byte> text, int at)
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

        for (int t = 0; t < count; t++)
        {
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
