namespace ExecdJvb.Benchmarks.EndToEnd;

internal static class Percentile
{
    /// <summary>The <paramref name="percent"/>th percentile, interpolated between the two nearest ranks.</summary>
    public static double Of(IEnumerable<double> values, double percent)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double rank = percent / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }

    public static double Median(IEnumerable<double> values) => Of(values, 50);
}
