namespace ExecdJvb.Formats;

/// <summary>
/// The growable memory the text readers work in: unescaped names and values of the current line, where each label
/// is, and the current family's name. Keep one per mapper and pass it to every reader, so that reading an answer
/// allocates nothing once these have grown.
/// </summary>
internal sealed class ReaderBuffers
{
    private byte[] _scratch = new byte[512];
    private int[] _labels = new int[64];
    private byte[] _family = new byte[256];

    /// <summary>Unescaped text of the line being read (quoted names, label names and values with escapes).</summary>
    public byte[] Scratch => _scratch;

    /// <summary>Four ints per label: where its name is and its length, where its value is and its length; the reader says where.</summary>
    public int[] Labels => _labels;

    /// <summary>The current family's name.</summary>
    public byte[] Family => _family;

    public byte[] EnsureScratch(int length) => Ensure(ref _scratch, length);

    public int[] EnsureLabels(int length)
    {
        if (length > _labels.Length)
        {
            Array.Resize(ref _labels, Math.Max(length, _labels.Length * 2));
        }

        return _labels;
    }

    public byte[] EnsureFamily(int length) => Ensure(ref _family, length);

    private static byte[] Ensure(ref byte[] buffer, int length)
    {
        if (length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }

        return buffer;
    }
}
