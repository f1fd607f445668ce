namespace ExecdJvb.Mapping.OpenMetrics;

/// <summary>
/// The growable memory an <see cref="OpenMetricsTextReader"/> decodes a sample's labels into: their unescaped names
/// and values, and where each is. Keep one per mapper, so that reading an answer allocates nothing once these have grown.
/// </summary>
internal sealed class OpenMetricsReaderBuffers
{
    private byte[] _scratch = new byte[512];
    private int[] _labels = new int[64];

    /// <summary>Unescaped label names and values of the sample being read.</summary>
    public byte[] Scratch => _scratch;

    /// <summary>Four ints per label: name start, name length, value start, value length, in <see cref="Scratch"/>.</summary>
    public int[] Labels => _labels;

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
