using System.Text;

namespace ExecdJvb.Configuration;

/// <summary>
/// A Telegraf-style glob ("*" any run, "?" one character, everything else literal), matched on UTF-8
/// bytes so the per-gather key checks need no string allocation.
/// </summary>
internal sealed class GlobPattern
{
    private readonly byte[] _pattern;

    public GlobPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Text = pattern;
        _pattern = Encoding.UTF8.GetBytes(pattern);
    }

    public string Text { get; }

    public static bool MatchesAny(IReadOnlyList<GlobPattern> patterns, ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < patterns.Count; i++)
        {
            if (patterns[i].IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsMatch(string text) => IsMatch(Encoding.UTF8.GetBytes(text));

    public bool IsMatch(ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<byte> pattern = _pattern;
        int p = 0;
        int t = 0;
        int starPattern = -1;
        int starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                starPattern = p++;
                starText = t;
            }
            else if (p < pattern.Length && pattern[p] == (byte)'?')
            {
                p++;
                t += SequenceLength(text[t]);
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (starPattern >= 0)
            {
                p = starPattern + 1;
                starText += SequenceLength(text[starText]);
                t = starText;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == (byte)'*')
        {
            p++;
        }

        return p == pattern.Length && t == text.Length;
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        < 0xC0 => 1,
        < 0xE0 => 2,
        < 0xF0 => 3,
        _ => 4,
    };

    public override string ToString() => Text;
}
