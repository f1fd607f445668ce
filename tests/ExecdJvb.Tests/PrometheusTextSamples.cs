using System.Globalization;
using System.Text;

namespace ExecdJvb.Tests;

/// <summary>Prometheus texts built for tests, in the shape Prometheus Java simpleclient gives a JVB's /metrics.</summary>
internal static class PrometheusTextSamples
{
    /// <summary>
    /// Gauges, counters with their <c>_created</c> gauges, and a histogram and a summary with <paramref name="series"/>
    /// label sets each; values vary with the series so that no two lines are alike.
    /// </summary>
    public static string JvbLike(int series)
    {
        var text = new StringBuilder();
        string[] gauges = ["conferences", "participants", "endpoints", "stress_level", "threads", "largest_conference"];
        for (int g = 0; g < gauges.Length; g++)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP jitsi_jvb_{gauges[g]} Current {gauges[g].Replace('_', ' ')}.\n")
                .Append(CultureInfo.InvariantCulture, $"# TYPE jitsi_jvb_{gauges[g]} gauge\n")
                .Append(CultureInfo.InvariantCulture, $"jitsi_jvb_{gauges[g]} {(g * 7.25).ToString("0.0###", CultureInfo.InvariantCulture)}\n");
        }

        string[] counters = ["conferences_created", "conferences_completed", "packets_received", "bytes_sent"];
        foreach (string counter in counters)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP jitsi_jvb_{counter}_total Total {counter.Replace('_', ' ')}.\n")
                .Append(CultureInfo.InvariantCulture, $"# TYPE jitsi_jvb_{counter}_total counter\n")
                .Append(CultureInfo.InvariantCulture, $"jitsi_jvb_{counter}_total {counter.Length * 1234567.0:0.0##E0}\n")
                .Append(CultureInfo.InvariantCulture, $"# HELP jitsi_jvb_{counter}_created Total {counter.Replace('_', ' ')}.\n")
                .Append(CultureInfo.InvariantCulture, $"# TYPE jitsi_jvb_{counter}_created gauge\n")
                .Append(CultureInfo.InvariantCulture, $"jitsi_jvb_{counter}_created 1.732492800123E9\n");
        }

        text.Append("# HELP jitsi_jvb_endpoint_rtt_ms Round trip time by endpoint.\n# TYPE jitsi_jvb_endpoint_rtt_ms histogram\n");
        double[] bounds = [10, 25, 50, 100, 250, 500, 1000];
        for (int s = 0; s < series; s++)
        {
            int cumulative = 0;
            foreach (double bound in bounds)
            {
                cumulative += (s % 5) + 1;
                text.Append(CultureInfo.InvariantCulture, $"jitsi_jvb_endpoint_rtt_ms_bucket{{conference=\"conf-{s / 4}\",endpoint=\"ep-{s}\",le=\"{bound:0.0}\",}} {cumulative}.0\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"jitsi_jvb_endpoint_rtt_ms_bucket{{conference=\"conf-{s / 4}\",endpoint=\"ep-{s}\",le=\"+Inf\",}} {cumulative + 1}.0\n")
                .Append(CultureInfo.InvariantCulture, $"jitsi_jvb_endpoint_rtt_ms_count{{conference=\"conf-{s / 4}\",endpoint=\"ep-{s}\",}} {cumulative + 1}.0\n")
                .Append(CultureInfo.InvariantCulture, $"jitsi_jvb_endpoint_rtt_ms_sum{{conference=\"conf-{s / 4}\",endpoint=\"ep-{s}\",}} {(cumulative * 37.5) + s}\n");
        }

        text.Append("# HELP jitsi_jvb_send_delay_ms Delay before packets are sent.\n# TYPE jitsi_jvb_send_delay_ms summary\n");
        for (int s = 0; s < series; s++)
        {
            foreach (string quantile in (string[])["0.5", "0.9", "0.99"])
            {
                text.Append(CultureInfo.InvariantCulture, $"jitsi_jvb_send_delay_ms{{endpoint=\"ep-{s}\",quantile=\"{quantile}\",}} {(s * 0.125) + quantile.Length}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"jitsi_jvb_send_delay_ms_count{{endpoint=\"ep-{s}\",}} {s + 3}.0\n")
                .Append(CultureInfo.InvariantCulture, $"jitsi_jvb_send_delay_ms_sum{{endpoint=\"ep-{s}\",}} {s * 4.5}\n");
        }

        return text.ToString();
    }
}
