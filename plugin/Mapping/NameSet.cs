using System.Buffers.Binary;

namespace ExecdJvb.Mapping;

/// <summary>
/// The flattened names seen in one document, so a repeated name is noticed while the document streams straight into
/// line protocol. Each name is copied into one reusable arena and kept in an open-addressing table under a 64-bit
/// hash; names of the same hash are compared byte for byte, so only the same name is a repeat. Clearing bumps a
/// generation instead of wiping the table, so a gather costs no allocation and no O(table) work once warm. (A
/// HashSet with a comparer over the arena gives the same answers, but made mapping a JVB answer clearly slower.)
/// </summary>
internal sealed class NameSet
{
    // Seeded per process: names crafted to share a hash can only be found by chance, and would only cost time.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    private Slot[] _slots = new Slot[256];
    private int _count;
    private int _generation = 1;
    private byte[] _arena = new byte[4096];
    private int _arenaLength;

    public void Clear()
    {
        _count = 0;
        _arenaLength = 0;
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_slots);
            _generation = 1;
        }
    }

    /// <summary>Adds the name; false when the set already holds it.</summary>
    public bool Add(ReadOnlySpan<byte> name)
    {
        ulong hash = Hash(name);
        int mask = _slots.Length - 1;
        for (int i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref Slot slot = ref _slots[i];
            if (slot.Generation != _generation)
            {
                slot = new Slot(hash, Store(name), name.Length, _generation);
                if (++_count * 2 > _slots.Length)
                {
                    Grow();
                }

                return true;
            }

            if (slot.Hash == hash && _arena.AsSpan(slot.Start, slot.Length).SequenceEqual(name))
            {
                return false;
            }
        }
    }

    private int Store(ReadOnlySpan<byte> name)
    {
        if (_arenaLength + name.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + name.Length));
        }

        int start = _arenaLength;
        name.CopyTo(_arena.AsSpan(start));
        _arenaLength += name.Length;
        return start;
    }

    private void Grow()
    {
        Slot[] old = _slots;
        _slots = new Slot[old.Length * 2];
        int mask = _slots.Length - 1;
        foreach (Slot slot in old)
        {
            if (slot.Generation != _generation)
            {
                continue;
            }

            int i = (int)slot.Hash & mask;
            while (_slots[i].Generation == _generation)
            {
                i = (i + 1) & mask;
            }

            _slots[i] = slot;
        }
    }

    private static ulong Hash(ReadOnlySpan<byte> name)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        ulong hash = Seed ^ ((ulong)name.Length * Multiplier);
        while (name.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(name)) * Multiplier;
            hash ^= hash >> 29;
            name = name[8..];
        }

        ulong tail = 0;
        for (int i = 0; i < name.Length; i++)
        {
            tail |= (ulong)name[i] << (8 * i);
        }

        hash = (hash ^ tail) * Multiplier;
        hash ^= hash >> 32;
        return hash;
    }

    private readonly record struct Slot(ulong Hash, int Start, int Length, int Generation);
}
