using System.Globalization;
using System.Text.Unicode;

namespace ExecdJvb.Formats;

/// <summary>
/// Reads an OpenMetrics text answer line by line with the rules of the Prometheus OpenMetrics parser Telegraf uses
/// (model/textparse/openmetricsparse.go and its lexer): <c># HELP</c>, <c># TYPE</c> and <c># UNIT</c> lines, samples
/// with an optional timestamp and exemplar, and <c># EOF</c> last. Any line those rules refuse (a blank line, another
/// comment, an unknown type word, a unit that is not the name's suffix, data after <c># EOF</c>, no <c># EOF</c>) is an
/// <see cref="OpenMetricsEntry.Error"/> carrying the parser's message, because Telegraf then refuses the whole answer.
/// </summary>
internal ref struct OpenMetricsTextReader : ISampleLabels
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly ReaderBuffers _buffers;
    private int _position;
    private bool _readAny;
    private ReadOnlySpan<byte> _line;

    // The type of the last # TYPE line, whatever family it named: the Go parser keeps it so, and rewrites le and
    // quantile label values by it.
    private MetricType _parserType;

    public OpenMetricsTextReader(ReadOnlySpan<byte> body, ReaderBuffers buffers)
    {
        // Telegraf trims one leading line break and appends one when the answer does not end with it.
        bool trimmed = body.Length > 0 && body[0] == (byte)'\n';
        _body = trimmed ? body[1..] : body;

        // Lines are counted in the answer as it came, the trimmed line break included.
        LineNumber = trimmed ? 1 : 0;
        _buffers = buffers;
    }

    public int LineNumber { get; private set; }

    public int SampleCount { get; private set; }

    /// <summary>The family name of a metadata line, or a sample's name as written.</summary>
    public ReadOnlySpan<byte> Name { get; private set; }

    /// <summary>The text of a <c># HELP</c> or <c># UNIT</c> line (empty for Prosody's <c># UNIT name </c>).</summary>
    public ReadOnlySpan<byte> Text { get; private set; }

    public MetricType Type { get; private set; }

    public double Value { get; private set; }

    public bool HasTimestamp { get; private set; }

    /// <summary>The sample's timestamp as the Go parser keeps it: <c>int64(seconds * 1000)</c>, on amd64.</summary>
    public long TimestampMilliseconds { get; private set; }

    public int LabelCount { get; private set; }

    /// <summary>Why the answer is refused, in the words of Telegraf's error, when the entry is <see cref="OpenMetricsEntry.Error"/>.</summary>
    public string? Error { get; private set; }

    public readonly ReadOnlySpan<byte> LabelName(int index)
    {
        int[] labels = _buffers.Labels;
        return _buffers.Scratch.AsSpan(labels[index * 4], labels[(index * 4) + 1]);
    }

    public readonly ReadOnlySpan<byte> LabelValue(int index)
    {
        int[] labels = _buffers.Labels;
        return _buffers.Scratch.AsSpan(labels[(index * 4) + 2], labels[(index * 4) + 3]);
    }

    /// <summary>The value of the first label of that name, if the sample has one.</summary>
    public readonly bool TryGetLabel(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (int l = 0; l < LabelCount; l++)
        {
            if (LabelName(l).SequenceEqual(name))
            {
                value = LabelValue(l);
                return true;
            }
        }

        value = default;
        return false;
    }

    public OpenMetricsEntry Read()
    {
        Name = default;
        Text = default;
        LabelCount = 0;
        Error = null;
        HasTimestamp = false;
        TimestampMilliseconds = 0;
        // An empty answer is one empty line once Telegraf has appended its line break.
        if (_position >= _body.Length && !(_body.IsEmpty && !_readAny))
        {
            return Fail("data does not end with # EOF");
        }

        LineNumber++;
        _readAny = true;
        int lineStart = _position;
        int newline = _body[lineStart..].IndexOf((byte)'\n');
        _line = newline < 0 ? _body[lineStart..] : _body.Slice(lineStart, newline);
        _position = newline < 0 ? _body.Length : lineStart + newline + 1;

        if (_line.StartsWith("# "u8))
        {
            return ReadComment(lineStart);
        }

        if (_line.Length > 0 && (ExpositionSyntax.IsNameByte(_line[0], metric: true, first: true) || _line[0] == (byte)'{'))
        {
            var sample = new OpenMetricsSampleLine(_line, _buffers, _parserType);
            if (!sample.Read())
            {
                return sample.IsTelegrafError ? FailInTelegraf(sample.Error!) : Fail(sample.Error!);
            }

            Name = sample.Name;
            Value = sample.Value;
            HasTimestamp = sample.HasTimestamp;
            TimestampMilliseconds = sample.TimestampMilliseconds;
            LabelCount = sample.LabelCount;
            SampleCount++;
            return OpenMetricsEntry.Sample;
        }

        return FailAt("expected a valid start token", _line);
    }

    private OpenMetricsEntry ReadComment(int lineStart)
    {
        ReadOnlySpan<byte> rest = _line[2..];
        if (rest.StartsWith("EOF"u8))
        {
            // "EOF" and one optional line break must end the data.
            ReadOnlySpan<byte> after = _body[(lineStart + 5)..];
            return after.IsEmpty || after.SequenceEqual("\n"u8) ? OpenMetricsEntry.End : Fail("unexpected data after # EOF");
        }

        OpenMetricsEntry entry;
        string word;
        if (rest.StartsWith("HELP "u8))
        {
            (entry, word) = (OpenMetricsEntry.Help, "HELP");
        }
        else if (rest.StartsWith("TYPE "u8))
        {
            (entry, word) = (OpenMetricsEntry.Type, "TYPE");
        }
        else if (rest.StartsWith("UNIT "u8))
        {
            (entry, word) = (OpenMetricsEntry.Unit, "UNIT");
        }
        else
        {
            return FailAt("expected a valid start token", _line);
        }

        rest = rest[5..];
        int nameLength = rest.Length > 0 && rest[0] == (byte)'"' ? ExpositionSyntax.QuotedLength(rest) : ExpositionSyntax.NameLength(rest, metric: true);
        if (nameLength <= 0)
        {
            return FailAt($"expected metric name after {word}", rest);
        }

        Name = rest[0] == (byte)'"' ? rest[1..(nameLength - 1)] : rest[..nameLength];
        rest = rest[nameLength..];
        if (rest.IsEmpty || rest[0] != (byte)' ')
        {
            return Fail($"expected text in {word}");
        }

        Text = rest[1..];
        switch (entry)
        {
            case OpenMetricsEntry.Type:
                if (!ExpositionSyntax.TryParseOpenMetricsType(Text, out MetricType type))
                {
                    return Fail($"invalid metric type {ExpositionSyntax.Quote(Text)}");
                }

                Type = type;
                _parserType = type;
                break;
            case OpenMetricsEntry.Help when !Utf8.IsValid(Text):
                return Fail($"help text {ExpositionSyntax.Quote(Text)} is not a valid utf8 string");
            case OpenMetricsEntry.Unit when !Text.IsEmpty:
                int unitStart = Name.Length - Text.Length - 1;
                if (unitStart < 0 || !Name.EndsWith(Text) || Name[unitStart] != (byte)'_')
                {
                    return Fail($"unit {ExpositionSyntax.Quote(Text)} not a suffix of metric {ExpositionSyntax.Quote(Name)}");
                }

                break;
            default:
                break;
        }

        return entry;
    }

    private OpenMetricsEntry Fail(string message)
    {
        Error = string.Create(CultureInfo.InvariantCulture, $"parsing text format failed: parsing failed: {message} (line {LineNumber})");
        return OpenMetricsEntry.Error;
    }

    private OpenMetricsEntry FailInTelegraf(string message)
    {
        Error = string.Create(CultureInfo.InvariantCulture, $"parsing text format failed: {message} (line {LineNumber})");
        return OpenMetricsEntry.Error;
    }

    private OpenMetricsEntry FailAt(string expected, ReadOnlySpan<byte> got) =>
        Fail($"{expected}, got {ExpositionSyntax.Quote(got.IsEmpty ? "\n"u8 : got)} while parsing: {ExpositionSyntax.Quote(_line)}");
}

/// <summary>What one line of an OpenMetrics text answer is.</summary>
internal enum OpenMetricsEntry
{
    Help,
    Type,
    Unit,
    Sample,

    /// <summary>The <c># EOF</c> line, with nothing after it: the answer is complete.</summary>
    End,

    /// <summary>A line Telegraf's parser refuses, which fails the whole answer.</summary>
    Error,
}
