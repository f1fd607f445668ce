namespace ExecdJvb.Mapping.Json;

/// <summary>
/// The leaves of one JSON document under their flattened names, in first-seen order, a later duplicate
/// replacing the earlier value as Go's map does in Telegraf's parser. Names and string values live in one
/// reusable arena so mapping a document allocates nothing once warm.
/// </summary>
internal sealed class FlatDocument
{
    private byte[] _arena = new byte[4096];
    private int _arenaLength;
    private Leaf[] _leaves = new Leaf[128];
    private int[] _buckets = new int[256];

    public enum LeafKind : byte
    {
        Number,
        String,
        Boolean,
    }

    public int Count { get; private set; }

    public void Clear()
    {
        _arenaLength = 0;
        Count = 0;
        Array.Fill(_buckets, -1);
    }

    public ReadOnlySpan<byte> NameOf(int index)
    {
        ref Leaf leaf = ref _leaves[index];
        return _arena.AsSpan(leaf.NameStart, leaf.NameLength);
    }

    public LeafKind KindOf(int index) => _leaves[index].Kind;

    public double NumberOf(int index) => _leaves[index].Number;

    public bool BooleanOf(int index) => _leaves[index].Boolean;

    public ReadOnlySpan<byte> StringOf(int index)
    {
        ref Leaf leaf = ref _leaves[index];
        return _arena.AsSpan(leaf.ValueStart, leaf.ValueLength);
    }

    public ReadOnlySpan<byte> ArenaSlice(int start, int length) => _arena.AsSpan(start, length);

    /// <summary>Copies a name or value into the arena and returns its offset.</summary>
    public int Store(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        return Commit(bytes.Length);
    }

    /// <summary>Room in the arena for a name or value of up to <paramref name="length"/> bytes.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_arenaLength + length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + length));
        }

        return _arena.AsSpan(_arenaLength, length);
    }

    /// <summary>Keeps <paramref name="length"/> bytes written into the last <see cref="Reserve"/> and returns their offset.</summary>
    public int Commit(int length)
    {
        int start = _arenaLength;
        _arenaLength += length;
        return start;
    }

    public void SetNumber(int nameStart, int nameLength, double value) =>
        Set(nameStart, nameLength, new Leaf { Kind = LeafKind.Number, Number = value });

    public void SetBoolean(int nameStart, int nameLength, bool value) =>
        Set(nameStart, nameLength, new Leaf { Kind = LeafKind.Boolean, Boolean = value });

    public void SetString(int nameStart, int nameLength, int valueStart, int valueLength) =>
        Set(nameStart, nameLength, new Leaf { Kind = LeafKind.String, ValueStart = valueStart, ValueLength = valueLength });

    private void Set(int nameStart, int nameLength, Leaf leaf)
    {
        ReadOnlySpan<byte> name = _arena.AsSpan(nameStart, nameLength);
        int hash = Hash(name);
        int bucket = hash & (_buckets.Length - 1);
        for (int i = _buckets[bucket]; i >= 0; i = _leaves[i].Next)
        {
            if (_leaves[i].Hash == hash && NameOf(i).SequenceEqual(name))
            {
                leaf.NameStart = _leaves[i].NameStart;
                leaf.NameLength = nameLength;
                leaf.Hash = hash;
                leaf.Next = _leaves[i].Next;
                _leaves[i] = leaf;
                return;
            }
        }

        if (Count == _leaves.Length)
        {
            Array.Resize(ref _leaves, _leaves.Length * 2);
        }

        leaf.NameStart = nameStart;
        leaf.NameLength = nameLength;
        leaf.Hash = hash;
        leaf.Next = _buckets[bucket];
        _leaves[Count] = leaf;
        _buckets[bucket] = Count;
        Count++;
        if (Count * 2 > _buckets.Length)
        {
            Rehash();
        }
    }

    private void Rehash()
    {
        _buckets = new int[_buckets.Length * 2];
        Array.Fill(_buckets, -1);
        for (int i = 0; i < Count; i++)
        {
            int bucket = _leaves[i].Hash & (_buckets.Length - 1);
            _leaves[i].Next = _buckets[bucket];
            _buckets[bucket] = i;
        }
    }

    private static int Hash(ReadOnlySpan<byte> name)
    {
        var hash = default(HashCode);
        hash.AddBytes(name);
        return hash.ToHashCode();
    }

    private struct Leaf
    {
        public int NameStart;
        public int NameLength;
        public int Hash;
        public int Next;
        public LeafKind Kind;
        public bool Boolean;
        public double Number;
        public int ValueStart;
        public int ValueLength;
    }
}
