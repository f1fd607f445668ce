using ExecdJvb.Configuration;
using ExecdJvb.LineProtocol;

namespace ExecdJvb.Mapping.Json;

/// <summary>
/// The tags of a point: the target tags merged with the leaves of a document that tag_keys names, in key order as
/// line protocol wants them; a key the document sets itself wins over a target tag, as in inputs.http. The tag
/// values of the leaves are kept in the document's own arena.
/// </summary>
internal sealed class PointTags
{
    private readonly FlatDocument _document;
    private readonly List<JsonTag> _jsonTags = [];
    private readonly Comparison<JsonTag> _byKey;

    public PointTags(FlatDocument document)
    {
        _document = document;
        _byKey = (a, b) => _document.NameOf(a.Leaf).SequenceCompareTo(_document.NameOf(b.Leaf));
    }

    /// <summary>Forgets the document's tags: only the target tags are written.</summary>
    public void Clear() => _jsonTags.Clear();

    /// <summary>Takes the leaves <paramref name="tagKeys"/> names as tags, their values as Telegraf's json parser writes them.</summary>
    public void Collect(IReadOnlyList<GlobPattern> tagKeys)
    {
        _jsonTags.Clear();
        if (tagKeys.Count == 0)
        {
            return;
        }

        for (int i = 0; i < _document.Count; i++)
        {
            if (!GlobPattern.MatchesAny(tagKeys, _document.NameOf(i)))
            {
                continue;
            }

            // As Telegraf's parser does: strings as they are, booleans as true/false, numbers in 'f' form.
            int length = _document.KindOf(i) switch
            {
                FlatDocument.LeafKind.String => Copy(_document.StringOf(i)),
                FlatDocument.LeafKind.Boolean => Copy(_document.BooleanOf(i) ? "true"u8 : "false"u8),
                _ => GoFloatFormat.FormatF(_document.NumberOf(i), _document.Reserve(GoFloatFormat.MaxLength)),
            };
            _jsonTags.Add(new JsonTag(i, _document.Commit(length), length));
        }

        if (_jsonTags.Count > 1)
        {
            _jsonTags.Sort(_byKey);
        }
    }

    public void Write(IReadOnlyList<TargetTag> targetTags, LineProtocolWriter writer)
    {
        int t = 0;
        int j = 0;
        while (t < targetTags.Count || j < _jsonTags.Count)
        {
            int order = j >= _jsonTags.Count ? -1
                : t >= targetTags.Count ? 1
                : targetTags[t].KeyUtf8.AsSpan().SequenceCompareTo(_document.NameOf(_jsonTags[j].Leaf));
            if (order < 0)
            {
                writer.AddTag(targetTags[t].KeyUtf8, targetTags[t].ValueUtf8);
                t++;
                continue;
            }

            if (order == 0)
            {
                t++;
            }

            JsonTag tag = _jsonTags[j++];
            writer.AddTag(_document.NameOf(tag.Leaf), _document.ArenaSlice(tag.ValueStart, tag.ValueLength));
        }
    }

    private int Copy(ReadOnlySpan<byte> value)
    {
        Span<byte> room = _document.Reserve(value.Length);
        value.CopyTo(room);
        return value.Length;
    }

    private readonly record struct JsonTag(int Leaf, int ValueStart, int ValueLength);
}
