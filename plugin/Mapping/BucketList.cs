namespace ExecdJvb.Mapping;

/// <summary>A bucket, quantile or state of a point, in the order its samples came.</summary>
internal struct BucketEntry
{
    /// <summary>The bucket's <c>le</c> or the quantile; NaN for a state.</summary>
    public double Bound;
    public double Value;

    /// <summary>A state's name, where the mapper keeps it.</summary>
    public int NameStart;
    public int NameLength;

    /// <summary>The point's next entry, or -1.</summary>
    public int Next;
}

/// <summary>
/// The buckets, quantiles and states of the points a schema mapper collects, in one reusable array: each point holds
/// the first and last of its own, linked through <see cref="BucketEntry.Next"/>.
/// </summary>
internal sealed class BucketList
{
    private BucketEntry[] _entries = new BucketEntry[64];
    private int _count;

    public ref BucketEntry this[int index] => ref _entries[index];

    public void Clear() => _count = 0;

    /// <summary>Adds an entry at the end of a point's list, given by its first and last (-1 for none).</summary>
    public void Append(ref int first, ref int last, double bound, double value, int nameStart = 0, int nameLength = 0)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        int added = _count++;
        _entries[added] = new BucketEntry { Bound = bound, Value = value, NameStart = nameStart, NameLength = nameLength, Next = -1 };
        if (last >= 0)
        {
            _entries[last].Next = added;
        }
        else
        {
            first = added;
        }

        last = added;
    }
}
