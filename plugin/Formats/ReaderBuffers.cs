using System.Buffers.Binary;
using System.Numerics;

namespace ExecdJvb.Formats;

/// <summary>
/// The growable memory the text readers work in: unescaped names and values of the current line, where each label
/// is, and the families met so far in the text. Keep one per mapper and pass it to every reader, so that reading an
/// answer allocates nothing once these have grown.
/// </summary>
internal sealed class ReaderBuffers
{
    private byte[] _scratch = new byte[512];
    private int[] _labels = new int[64];

    /// <summary>Unescaped text of the line being read (quoted names, label names and values with escapes).</summary>
    public byte[] Scratch => _scratch;

    /// <summary>Four ints per label: where its name is and its length, where its value is and its length; the reader says where.</summary>
    public int[] Labels => _labels;

    /// <summary>The families of the text being read, by name.</summary>
    public FamilyTable Families { get; } = new();

    public byte[] EnsureScratch(int length)
    {
        if (length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(length, _scratch.Length * 2));
        }

        return _scratch;
    }

    public int[] EnsureLabels(int length)
    {
        if (length > _labels.Length)
        {
            Array.Resize(ref _labels, Math.Max(length, _labels.Length * 2));
        }

        return _labels;
    }
}

/// <summary>
/// The families of one text, numbered from 1 in the order met, found again by name: the Go text parser keeps its
/// families in a map by name, so a family's samples need not be contiguous.
/// </summary>
internal sealed class FamilyTable
{
    private byte[] _names = new byte[4096];
    private int _namesLength;
    private Family[] _families = new Family[64];
    private int _count;

    // Open addressing with linear probing: a family's number, 0 for an empty slot; never more than half full.
    private int[] _slots = new int[128];

    /// <summary>How many families the text has met.</summary>
    public int Count => _count;

    /// <summary>How many families have a name ending in <c>_count</c>, <c>_sum</c> or <c>_bucket</c>, which the Go parser looks up whole before it takes them for parts of a histogram or summary.</summary>
    public int PartNamedCount { get; private set; }

    /// <summary>Forgets every family, for a new text.</summary>
    public void Clear()
    {
        if (_count > 0)
        {
            Array.Clear(_slots);
        }

        _count = 0;
        _namesLength = 0;
        PartNamedCount = 0;
    }

    /// <summary>The number of the family named <paramref name="name"/>; 0 when none.</summary>
    public int Find(ReadOnlySpan<byte> name) => Find(name, HashOf(name));

    /// <summary>The number of the family named <paramref name="name"/>, whose <see cref="HashOf"/> is <paramref name="hash"/>; 0 when none.</summary>
    public int Find(ReadOnlySpan<byte> name, int hash)
    {
        if (_count == 0)
        {
            return 0;
        }

        int mask = _slots.Length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            int number = _slots[slot];
            if (number == 0)
            {
                return 0;
            }

            ref Family family = ref _families[number - 1];
            if (family.Hash == hash && _names.AsSpan(family.NameStart, family.NameLength).SequenceEqual(name))
            {
                return number;
            }
        }
    }

    /// <summary>Adds an untyped family without samples named <paramref name="name"/> (of <see cref="HashOf"/> <paramref name="hash"/>), which must not be one yet, and returns its number.</summary>
    public int Add(ReadOnlySpan<byte> name, int hash)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        if (_count == _families.Length)
        {
            Array.Resize(ref _families, _families.Length * 2);
        }

        if (_namesLength + name.Length > _names.Length)
        {
            Array.Resize(ref _names, Math.Max(_namesLength + name.Length, _names.Length * 2));
        }

        name.CopyTo(_names.AsSpan(_namesLength));
        _families[_count] = new Family { NameStart = _namesLength, NameLength = name.Length, Hash = hash };
        _namesLength += name.Length;
        int number = ++_count;
        Place(hash, number);
        if (name.EndsWith("_count"u8) || name.EndsWith("_sum"u8) || name.EndsWith("_bucket"u8))
        {
            PartNamedCount++;
        }

        return number;
    }

    public ReadOnlySpan<byte> NameOf(int number)
    {
        ref Family family = ref _families[number - 1];
        return _names.AsSpan(family.NameStart, family.NameLength);
    }

    /// <summary>What the text has said of the family so far.</summary>
    public ref FamilyState StateOf(int number) => ref _families[number - 1].State;

    private void Place(int hash, int number)
    {
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = number;
    }

    private void Grow()
    {
        _slots = new int[_slots.Length * 2];
        for (int f = 0; f < _count; f++)
        {
            Place(_families[f].Hash, f + 1);
        }
    }

    /// <summary>
    /// A name's hash, eight bytes a step: it is taken for every family a text names, where a general-purpose hash of
    /// the names showed in the reader's benchmark; names that collide are still told apart by their bytes.
    /// </summary>
    public static int HashOf(ReadOnlySpan<byte> name)
    {
        const ulong Multiplier = 0x517CC1B727220A95;
        ulong hash = (ulong)name.Length * Multiplier;
        int i = 0;
        for (; i + 8 <= name.Length; i += 8)
        {
            hash = (BitOperations.RotateLeft(hash, 5) ^ BinaryPrimitives.ReadUInt64LittleEndian(name[i..])) * Multiplier;
        }

        if (i < name.Length)
        {
            ulong tail = 0;
            for (int t = name.Length - 1; t >= i; t--)
            {
                tail = (tail << 8) | name[t];
            }

            hash = (BitOperations.RotateLeft(hash, 5) ^ tail) * Multiplier;
        }

        return (int)(hash ^ (hash >> 32));
    }

    private struct Family
    {
        public int NameStart;
        public int NameLength;
        public int Hash;
        public FamilyState State;
    }
}

/// <summary>A family's type, and whether a TYPE line or a sample has fixed it (a later TYPE line is refused).</summary>
internal struct FamilyState
{
    public MetricType Type;
    public bool Typed;
    public bool HasSamples;
}
