using System.Globalization;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// One row of the table: the plugin's value per run, and the C floor's, the Python scraper's and the Go scraper's
/// measured in the same run where the row has them; targets judged on the median over the runs (of the value, or of the per-run
/// ratio to a comparison). A report, never an assertion.
/// </summary>
internal sealed class Figure(string name, string unit, int decimals)
{
    private readonly List<double> _plugin = [];
    private readonly List<double> _floor = [];
    private readonly List<double> _python = [];
    private readonly List<double> _go = [];

    public string Name => name;

    public string Unit => unit;

    public IReadOnlyList<FigureTarget> Targets { get; init; } = [];

    public IReadOnlyList<double> Plugin => _plugin;

    public IReadOnlyList<double> Floor => _floor;

    public IReadOnlyList<double> Python => _python;

    public IReadOnlyList<double> Go => _go;

    public bool HasFloor => _floor.Any(value => !double.IsNaN(value));

    public bool HasPython => _python.Any(value => !double.IsNaN(value));

    public bool HasGo => _go.Any(value => !double.IsNaN(value));

    public IEnumerable<double> RatiosToFloor => _plugin.Zip(_floor, (value, floor) => value / floor).Where(ratio => !double.IsNaN(ratio));

    public IEnumerable<double> RatiosToPython => _plugin.Zip(_python, (value, python) => value / python).Where(ratio => !double.IsNaN(ratio));

    public IEnumerable<double> RatiosToGo => _plugin.Zip(_go, (value, go) => value / go).Where(ratio => !double.IsNaN(ratio));

    /// <summary>One run's values; NaN where the row has no such comparison.</summary>
    public void Add(double plugin, double floor = double.NaN, double python = double.NaN, double go = double.NaN)
    {
        _plugin.Add(plugin);
        _floor.Add(floor);
        _python.Add(python);
        _go.Add(go);
    }

    /// <summary>True when every target is met, false when one is not; null when there is no target or no value.</summary>
    public bool? Met => Targets.Count == 0 || _plugin.Count == 0 ? null : Targets.All(target => target.IsMet(this));

    public string TargetText => Targets.Count == 0 ? "(reported)" : string.Join("; ", Targets.Select(target => target.Describe(unit)));

    public string Format(double value) => double.IsNaN(value) ? "—" : Number(value) + (unit.Length == 0 ? "" : " " + unit);

    /// <summary>"median unit (min–max)" of the values that exist, or — when there are none.</summary>
    public string Summary(IEnumerable<double> values) => Summarize(values, Format, Number);

    /// <summary>"median× (min–max)" of per-run ratios.</summary>
    public static string RatioSummary(IEnumerable<double> ratios) =>
        Summarize(ratios, ratio => Ratio(ratio) + "×", Ratio);

    private string Number(double value) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    private static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Summarize(IEnumerable<double> values, Func<double, string> median, Func<double, string> bound)
    {
        double[] present = [.. values.Where(value => !double.IsNaN(value))];
        if (present.Length == 0)
        {
            return "—";
        }

        string middle = median(Percentile.Median(present));
        return present.Length == 1 || present.Min() == present.Max() ? middle : $"{middle} ({bound(present.Min())}–{bound(present.Max())})";
    }
}
