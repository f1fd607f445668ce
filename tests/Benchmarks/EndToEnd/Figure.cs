namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// One row of the table: a figure's value per run, the floor measured alongside it in the same run (when
/// there is one), and the target, judged on the median over the runs (of the value, or of the
/// value ÷ floor when the target is a ratio). A report, never an assertion.
/// </summary>
internal sealed class Figure(string name, string target, string unit, int decimals)
{
    private readonly List<double> _values = [];
    private readonly List<double> _floors = [];

    public string Name => name;

    public string Target => target;

    public string Unit => unit;

    public int Decimals => decimals;

    /// <summary>Met when the judged median is at most this.</summary>
    public double? AtMost { get; init; }

    /// <summary>Met when the judged median is at least this.</summary>
    public double? AtLeast { get; init; }

    /// <summary>The target is on value ÷ floor rather than on the value.</summary>
    public bool TargetOnRatio { get; init; }

    /// <summary>Why the figure has no value (e.g. no JIT build given).</summary>
    public string? NotMeasured { get; set; }

    public IReadOnlyList<double> Values => _values;

    public IReadOnlyList<double> Floors => _floors;

    public IEnumerable<double> Ratios => _values.Zip(_floors, (value, floor) => value / floor);

    public bool HasFloor => _floors.Count > 0;

    public void Add(double value) => _values.Add(value);

    public void Add(double value, double floor)
    {
        _values.Add(value);
        _floors.Add(floor);
    }

    /// <summary>True or false against the target; null when there is no target or no value.</summary>
    public bool? Met
    {
        get
        {
            if (_values.Count == 0 || (AtMost is null && AtLeast is null) || (TargetOnRatio && !HasFloor))
            {
                return null;
            }

            double judged = Percentile.Median(TargetOnRatio ? Ratios : _values);
            return AtMost is { } most ? judged <= most : judged >= AtLeast!.Value;
        }
    }

    public string Format(double value) =>
        double.IsNaN(value) ? "—" : value.ToString("N" + decimals, System.Globalization.CultureInfo.InvariantCulture) + unit switch
        {
            "" or "×" => unit,
            _ => " " + unit,
        };
}
