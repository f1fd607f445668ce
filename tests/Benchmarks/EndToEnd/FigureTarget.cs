using System.Globalization;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>What a figure's target is judged on.</summary>
internal enum TargetBasis
{
    Value,
    RatioToFloor,
    RatioToPython,
}

/// <summary>
/// A target of a row: the median over the runs of the plugin's value (or of its per-run ratio to the C floor or to
/// Python) at most <see cref="Limit"/>, or equal to it within half a percent when <see cref="Equal"/>.
/// </summary>
internal sealed record FigureTarget(TargetBasis Basis, double Limit, bool Equal = false)
{
    public string Describe(string unit) => (Basis, Equal) switch
    {
        (TargetBasis.RatioToFloor, true) => "= the C floor's",
        (TargetBasis.RatioToFloor, false) => $"≤ {Number(Limit)} × the C floor",
        (TargetBasis.RatioToPython, _) => $"≤ {Number(Limit)} × Python",
        (_, true) => $"= {Number(Limit)} {unit}".TrimEnd(),
        _ => $"≤ {Number(Limit)} {unit}".TrimEnd(),
    };

    public bool IsMet(Figure figure)
    {
        IEnumerable<double> judged = Basis switch
        {
            TargetBasis.RatioToFloor => figure.RatiosToFloor,
            TargetBasis.RatioToPython => figure.RatiosToPython,
            _ => figure.Plugin,
        };
        double median = Percentile.Median(judged);
        return !double.IsNaN(median) && (Equal ? Math.Abs(median - Limit) <= 0.005 * Limit : median <= Limit);
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
