namespace ExecdJvb.Formats;

/// <summary>
/// A pull parser for the Prometheus text exposition format 0.0.4 over a whole response body: each
/// <see cref="Read"/> moves to the next sample and exposes its family, name, labels (unescaped), value and
/// timestamp as spans that stay valid until the next call. Families and sample roles are resolved as the
/// Prometheus Go parser (expfmt.TextParser, used by Telegraf) resolves them: a sample belongs to the family of its
/// name, or to the histogram or summary named by its name without <c>_bucket</c>, <c>_sum</c> or <c>_count</c>,
/// wherever in the text that family was met first; any other name starts an untyped family of its own.
/// <para>
/// Unlike the Go parser, which refuses the whole text at the first error, a malformed line is skipped and
/// counted (<see cref="MalformedLineCount"/>, <see cref="FirstProblem"/>), CRLF line ends are accepted, and
/// the additions of OpenMetrics text do no harm (<c># EOF</c>, <c># UNIT</c> are comments, exemplars after
/// <c> # </c> are ignored, <c>unknown</c>/<c>info</c>/<c>stateset</c>/<c>gaugehistogram</c> read as untyped).
/// A last line without a line break is read when it is complete; when it is not, it is reported
/// (<see cref="EndsMidLine"/>) and yields nothing.
/// </para>
/// </summary>
internal ref struct PrometheusTextReader : ISampleLabels
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly ReaderBuffers _buffers;
    private PrometheusLineScanner _line;
    private int _position;

    private readonly FamilyTable _families;

    private int _lastSampleFamily;

    // Which names of the current histogram's or summary's parts (bits: _count, _sum, _bucket) have been looked up
    // whole, and which of them are families of their own; the Go parser looks the whole name up first.
    private int _partsLookedUp;
    private int _partsNamed;

    private int _sampleNameReference;
    private int _sampleNameLength;

    public PrometheusTextReader(ReadOnlySpan<byte> text, ReaderBuffers buffers)
    {
        _text = text;
        _buffers = buffers;
        _line = new PrometheusLineScanner(text, _buffers);
        _families = buffers.Families;
        _families.Clear();
        BoundLabelIndex = -1;
        Bound = double.NaN;
    }

    /// <summary>The current family's name: the TYPE/HELP name, or the sample's own name when it started the family.</summary>
    public readonly ReadOnlySpan<byte> FamilyName => _families.NameOf(FamilyNumber);

    public MetricType FamilyType { get; private set; }

    /// <summary>The name of the family numbered <paramref name="number"/> (see <see cref="FamilyNumber"/>), met earlier in the text.</summary>
    public readonly ReadOnlySpan<byte> FamilyNameOf(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, _families.Count);
        return _families.NameOf(number);
    }

    /// <summary>
    /// The current family's number in the order families are met, from 1: it changes exactly when the current family
    /// changes, and a family met again after others has its first number again.
    /// </summary>
    public int FamilyNumber { get; private set; }

    /// <summary>The sample's name as written, e.g. <c>x_bucket</c>, <c>x_sum</c>, <c>x_count</c> or the family name.</summary>
    public readonly ReadOnlySpan<byte> SampleName => _line.Slice(_sampleNameReference, _sampleNameLength);

    public PrometheusSampleRole Role { get; private set; }

    /// <summary>True when the sample's family had samples before and the sample before this one was another family's: the family's samples come in more than one run.</summary>
    public bool ResumesFamily { get; private set; }

    /// <summary>The sample value; may be NaN or an infinity, never out of the double range.</summary>
    public double Value { get; private set; }

    /// <summary>The <c>le</c> of a <see cref="PrometheusSampleRole.Bucket"/> or the quantile of a <see cref="PrometheusSampleRole.Quantile"/>; NaN otherwise.</summary>
    public double Bound { get; private set; }

    public bool HasTimestamp { get; private set; }

    /// <summary>Milliseconds since the Unix epoch as written (may be zero or negative); meaningful when <see cref="HasTimestamp"/>.</summary>
    public long TimestampMilliseconds { get; private set; }

    /// <summary>Number of labels on the sample line, in the order written, <c>le</c>/<c>quantile</c> included.</summary>
    public readonly int LabelCount => _line.LabelCount;

    /// <summary>
    /// The index of the label a histogram (<c>le</c>) or summary (<c>quantile</c>) family consumes, which the
    /// Go parser does not keep among the series' labels (on every sample of the family, sum and count too); -1 when none.
    /// </summary>
    public int BoundLabelIndex { get; private set; }

    /// <summary>The 1-based line number of the current sample (or of the last line read).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Samples yielded so far.</summary>
    public int SampleCount { get; private set; }

    /// <summary>Lines skipped so far because they could not be read.</summary>
    public int MalformedLineCount { get; private set; }

    /// <summary>The first skipped line's number and what is wrong with it, one printable line; null when none.</summary>
    public string? FirstProblem { get; private set; }

    /// <summary>True when the text ends without a line break in the middle of a line that could not be read (a cut answer).</summary>
    public bool EndsMidLine { get; private set; }

    public readonly ReadOnlySpan<byte> LabelName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)LabelCount, nameof(index));
        return _line.LabelName(index);
    }

    public readonly ReadOnlySpan<byte> LabelValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)LabelCount, nameof(index));
        return _line.LabelValue(index);
    }

    /// <summary>Moves to the next sample; false at the end of the text.</summary>
    public bool Read()
    {
        while (_position < _text.Length)
        {
            int start = _position;
            int newline = _text[start..].IndexOf((byte)'\n');
            bool complete = newline >= 0;
            int end = complete ? start + newline : _text.Length;
            _position = complete ? end + 1 : _text.Length;
            LineNumber++;
            if (end > start && _text[end - 1] == (byte)'\r')
            {
                end--;
            }

            switch (ParseLine(start, end))
            {
                case PrometheusLineKind.Sample:
                    SampleCount++;
                    return true;
                case PrometheusLineKind.Malformed:
                    NoteProblem(complete);
                    break;
                default:
                    break;
            }
        }

        return false;
    }

    private void NoteProblem(bool complete)
    {
        MalformedLineCount++;
        if (!complete)
        {
            EndsMidLine = true;
        }

        FirstProblem ??= _line.DescribeProblem(LineNumber, complete);
    }

    private PrometheusLineKind ParseLine(int start, int end)
    {
        _line.BeginLine();
        int i = _line.SkipBlanks(start, end);
        if (i >= end)
        {
            return PrometheusLineKind.Nothing;
        }

        if (_text[i] == (byte)'#')
        {
            return ParseComment(i + 1, end);
        }

        PrometheusLineKind kind = _line.ScanSample(i, end);
        return kind == PrometheusLineKind.Sample ? Accept() : kind;
    }

    private PrometheusLineKind ParseComment(int i, int end)
    {
        i = _line.SkipBlanks(i, end);
        int keywordStart = i;
        while (i < end && !ExpositionSyntax.IsBlank(_text[i]))
        {
            i++;
        }

        ReadOnlySpan<byte> keyword = _text[keywordStart..i];
        bool help = keyword.SequenceEqual("HELP"u8);
        if ((!help && !keyword.SequenceEqual("TYPE"u8)) || (i = _line.SkipBlanks(i, end)) >= end)
        {
            // Any other comment (# EOF and # UNIT of OpenMetrics too), or a HELP/TYPE with nothing after it.
            return PrometheusLineKind.Nothing;
        }

        int nameStart = i;
        if (!_line.ReadName(ref i, end, metric: true, out int nameReference, out int nameLength))
        {
            return PrometheusLineKind.Malformed;
        }

        if (i >= end && nameLength > 0)
        {
            // The Go parser ignores a HELP or TYPE line that ends after the name.
            return PrometheusLineKind.Nothing;
        }

        if (nameLength == 0 || !ExpositionSyntax.IsBlank(_text[i]))
        {
            return _line.Fail("invalid metric name in comment", nameStart, end);
        }

        ReadOnlySpan<byte> name = _line.Slice(nameReference, nameLength);
        int family = Resolve(name, out _, out int hash);
        if (family != FamilyNumber || family == 0)
        {
            MakeCurrent(family != 0 ? family : _families.Add(name, hash));
        }

        i = _line.SkipBlanks(i, end);
        if (i >= end)
        {
            return PrometheusLineKind.Nothing;
        }

        return help ? ReadHelp(i, end) : ReadType(i, end);
    }

    /// <summary>Checks the escapes of a HELP text, as the Go parser does; the text itself is not kept.</summary>
    private PrometheusLineKind ReadHelp(int i, int end)
    {
        for (int next = _text[i..end].IndexOf((byte)'\\'); next >= 0; next = _text[i..end].IndexOf((byte)'\\'))
        {
            i += next + 1;
            if (i >= end || !ExpositionSyntax.TryUnescape(_text[i], out _))
            {
                return _line.Fail("invalid escape sequence in HELP", i - 1, Math.Min(i + 1, end));
            }

            i++;
        }

        return PrometheusLineKind.Nothing;
    }

    private PrometheusLineKind ReadType(int i, int end)
    {
        ref FamilyState state = ref _families.StateOf(FamilyNumber);
        if (state.Typed || state.HasSamples)
        {
            return _line.Fail("second TYPE line for the family, or TYPE after its samples", i, end);
        }

        int typeEnd = end;
        while (typeEnd > i && ExpositionSyntax.IsBlank(_text[typeEnd - 1]))
        {
            typeEnd--;
        }

        if (!ExpositionSyntax.TryParsePrometheusType(_text[i..typeEnd], out MetricType type))
        {
            return _line.Fail("unknown metric type", i, typeEnd);
        }

        state.Type = type;
        state.Typed = true;
        FamilyType = type;
        return PrometheusLineKind.Nothing;
    }

    /// <summary>Places a well-formed sample in its family, as the Go parser does, and makes it current.</summary>
    private PrometheusLineKind Accept()
    {
        ReadOnlySpan<byte> name = _line.Slice(_line.NameReference, _line.NameLength);
        int family = Resolve(name, out PrometheusSampleRole role, out int hash);
        bool current = family == FamilyNumber && family != 0;
        MetricType type = current ? FamilyType : family == 0 ? MetricType.Untyped : _families.StateOf(family).Type;
        ReadOnlySpan<byte> boundName = type switch
        {
            MetricType.Histogram => "le"u8,
            MetricType.Summary => "quantile"u8,
            _ => default,
        };

        int boundIndex = -1;
        double bound = double.NaN;
        if (!boundName.IsEmpty)
        {
            for (int l = 0; l < LabelCount; l++)
            {
                if (LabelName(l).SequenceEqual(boundName))
                {
                    boundIndex = l;
                    if (!ExpositionSyntax.TryParseFloat(LabelValue(l), out bound))
                    {
                        return _line.Fail(type == MetricType.Histogram ? "expected a float as the le label" : "expected a float as the quantile label");
                    }

                    break;
                }
            }

            if (role == PrometheusSampleRole.Value)
            {
                role = double.IsNaN(bound) ? PrometheusSampleRole.MissingBound
                    : type == MetricType.Histogram ? PrometheusSampleRole.Bucket
                    : PrometheusSampleRole.Quantile;
            }
        }

        if (!current)
        {
            MakeCurrent(family != 0 ? family : _families.Add(name, hash));
        }

        ResumesFamily = false;
        if (FamilyNumber != _lastSampleFamily)
        {
            ref FamilyState state = ref _families.StateOf(FamilyNumber);
            ResumesFamily = state.HasSamples;
            state.HasSamples = true;
            _lastSampleFamily = FamilyNumber;
        }
        _sampleNameReference = _line.NameReference;
        _sampleNameLength = _line.NameLength;
        Role = role;
        Value = _line.Value;
        Bound = role is PrometheusSampleRole.Bucket or PrometheusSampleRole.Quantile ? bound : double.NaN;
        BoundLabelIndex = boundIndex;
        HasTimestamp = _line.HasTimestamp;
        TimestampMilliseconds = _line.TimestampMilliseconds;
        return PrometheusLineKind.Sample;
    }

    /// <summary>
    /// The number of the family <paramref name="name"/> belongs to, with the role it gives the sample; 0 when it names
    /// no family yet. As the Go parser does, the whole name is looked up first, then the name without <c>_count</c> or
    /// <c>_sum</c> as a summary, then without <c>_count</c>, <c>_sum</c> or <c>_bucket</c> as a histogram.
    /// </summary>
    private int Resolve(ReadOnlySpan<byte> name, out PrometheusSampleRole role, out int hash)
    {
        role = PrometheusSampleRole.Value;
        hash = 0;
        if (FamilyNumber != 0)
        {
            // The current family first: most lines belong to it, found without a lookup.
            ReadOnlySpan<byte> current = FamilyName;
            if (name.SequenceEqual(current))
            {
                return FamilyNumber;
            }

            if (name.Length > current.Length && name.StartsWith(current)
                && TryPart(name[current.Length..], FamilyType, out role)
                && !IsFamilyOfItsOwn(name, role))
            {
                return FamilyNumber;
            }

            role = PrometheusSampleRole.Value;
        }

        hash = FamilyTable.HashOf(name);
        int family = _families.Find(name, hash);
        if (family != 0)
        {
            return family;
        }

        int suffixLength = name.EndsWith("_count"u8) ? 6 : name.EndsWith("_sum"u8) ? 4 : name.EndsWith("_bucket"u8) ? 7 : 0;
        if (suffixLength == 0 || name.Length == suffixLength)
        {
            return 0;
        }

        family = _families.Find(name[..^suffixLength]);
        if (family == 0 || !TryPart(name[^suffixLength..], _families.StateOf(family).Type, out role))
        {
            role = PrometheusSampleRole.Value;
            return 0;
        }

        return family;
    }

    /// <summary>Whether the name of a part of the current family is a family of its own, looked up once per part while the family is current.</summary>
    private bool IsFamilyOfItsOwn(ReadOnlySpan<byte> name, PrometheusSampleRole role)
    {
        if (_families.PartNamedCount == 0)
        {
            return false;
        }

        int bit = role switch
        {
            PrometheusSampleRole.Count => 1,
            PrometheusSampleRole.Sum => 2,
            _ => 4,
        };
        if ((_partsLookedUp & bit) == 0)
        {
            _partsLookedUp |= bit;
            if (_families.Find(name) != 0)
            {
                _partsNamed |= bit;
            }
        }

        return (_partsNamed & bit) != 0;
    }

    /// <summary>The role a name's <paramref name="suffix"/> gives a sample of a family of <paramref name="type"/>; false when it names no part of it.</summary>
    private static bool TryPart(ReadOnlySpan<byte> suffix, MetricType type, out PrometheusSampleRole role)
    {
        role = PrometheusSampleRole.Value;
        if (type is not (MetricType.Histogram or MetricType.Summary))
        {
            return false;
        }

        if (suffix.SequenceEqual("_count"u8))
        {
            role = PrometheusSampleRole.Count;
            return true;
        }

        if (suffix.SequenceEqual("_sum"u8))
        {
            role = PrometheusSampleRole.Sum;
            return true;
        }

        return type == MetricType.Histogram && suffix.SequenceEqual("_bucket"u8);
    }

    private void MakeCurrent(int family)
    {
        _partsLookedUp = 0;
        _partsNamed = 0;
        FamilyNumber = family;
        FamilyType = _families.StateOf(family).Type;
    }
}

/// <summary>
/// What one sample line contributes to its family, resolved the way the Prometheus Go text parser
/// (expfmt.TextParser, which Telegraf uses) resolves it.
/// </summary>
internal enum PrometheusSampleRole
{
    /// <summary>The value of a counter, gauge or untyped family: one sample, one series.</summary>
    Value,

    /// <summary>A histogram bucket (<c>x_bucket</c>, or <c>x</c> itself with an <c>le</c> label); <c>Bound</c> is its <c>le</c>.</summary>
    Bucket,

    /// <summary>A summary quantile (<c>x</c> with a <c>quantile</c> label); <c>Bound</c> is the quantile.</summary>
    Quantile,

    /// <summary>The <c>x_sum</c> of a histogram or summary.</summary>
    Sum,

    /// <summary>The <c>x_count</c> of a histogram or summary.</summary>
    Count,

    /// <summary>
    /// A histogram or summary sample that is none of the above (no <c>le</c>/<c>quantile</c>, or one that is
    /// <c>NaN</c>): the Go parser still opens the series for its labels but drops the value.
    /// </summary>
    MissingBound,
}
