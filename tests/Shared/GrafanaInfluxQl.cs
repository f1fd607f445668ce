using System.Globalization;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Turns a raw InfluxQL query of a dashboard into the text InfluxDB receives, as Grafana (10.x to 12.x,
/// server-side InfluxQL) does it, in two steps:
/// <list type="number">
/// <item>the browser replaces dashboard variables (public/app/features/templating/template_srv.ts: <c>$name</c>,
/// <c>[[name]]</c>, <c>${name}</c>; "All" with a custom all value is written raw, else as the list of every
/// option) through the InfluxDB data source's formatter
/// (public/app/plugins/datasource/influxdb/datasource.ts, <c>interpolateQueryExpr</c>): a value that reads as
/// a number is kept; a multi-value variable is always regex-escaped, several values as <c>(a|b)</c>; any other
/// variable only when it stands inside a <c>=~ /…/</c> or <c>!~ /…/</c> literal. Escaping puts a backslash
/// before <c>\ ^ $ * + ? . ( ) | [ ] { } /</c> (app/core/utils/kbn.ts, <c>regexEscape</c>);</item>
/// <item>the server replaces the macros (pkg/tsdb/influxdb/models/query.go, <c>Build</c>): <c>$timeFilter</c>
/// with <c>time &gt;= {from}ms and time &lt;= {to}ms</c>, then <c>$interval</c>, <c>$__interval_ms</c> and
/// <c>$__interval</c> with the panel interval written as gtime.FormatInterval does (<c>10s</c>, <c>1m</c>).</item>
/// </list>
/// Grafana's older browser-side path (InfluxQueryModel.render) regex-escapes only multi-value and include-all
/// variables and leaves the rest raw: for this dashboard's variables, which are both, the result is the same.
/// </summary>
internal static partial class GrafanaInfluxQl
{
    public static string Interpolate(string query, IReadOnlyList<VariableSelection> selections, GrafanaTimeRange range) =>
        ReplaceMacros(ReplaceVariables(query, selections), range);

    /// <summary>The browser's step: dashboard variables only; macros and unknown names stay as written.</summary>
    public static string ReplaceVariables(string query, IReadOnlyList<VariableSelection> selections) =>
        VariableReference().Replace(query, reference =>
        {
            string name = new[] { reference.Groups[1], reference.Groups[2], reference.Groups[4] }.First(group => group.Success).Value;
            VariableSelection? selection = selections.FirstOrDefault(candidate => candidate.Variable.Name == name);
            if (selection is null)
            {
                return reference.Value;
            }

            if (reference.Groups[3].Success || reference.Groups[5].Success || reference.Groups[6].Success)
            {
                throw new NotSupportedException($"{reference.Value}: explicit formats and field paths are not modelled here");
            }

            GrafanaVariable variable = selection.Variable;
            if (selection.IsAll && variable.AllValue.Length > 0)
            {
                return variable.AllValue;
            }

            // Grafana hands the formatter an array for "All" and for a multi-value variable, a string otherwise.
            bool isArray = selection.IsAll || variable.Multi;
            return Format(selection.Values, isArray, variable, query);
        });

    /// <summary>The server's step: the time filter and interval macros.</summary>
    public static string ReplaceMacros(string query, GrafanaTimeRange range)
    {
        string interval = FormatInterval(range.Interval);
        string timeFilter = string.Create(CultureInfo.InvariantCulture, $"time >= {range.From.ToUnixTimeMilliseconds()}ms and time <= {range.To.ToUnixTimeMilliseconds()}ms");
        return query
            .Replace("$timeFilter", timeFilter, StringComparison.Ordinal)
            .Replace("$interval", interval, StringComparison.Ordinal)
            .Replace("$__interval_ms", ((long)range.Interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__interval", interval, StringComparison.Ordinal);
    }

    /// <summary>An interval in the one unit Grafana writes it with (grafana-plugin-sdk-go gtime.FormatInterval).</summary>
    public static string FormatInterval(TimeSpan interval)
    {
        var units = new (TimeSpan Size, string Suffix)[]
        {
            (TimeSpan.FromDays(365), "y"), (TimeSpan.FromDays(1), "d"), (TimeSpan.FromHours(1), "h"),
            (TimeSpan.FromMinutes(1), "m"), (TimeSpan.FromSeconds(1), "s"), (TimeSpan.FromMilliseconds(1), "ms"),
        };
        foreach ((TimeSpan size, string suffix) in units)
        {
            if (interval >= size)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{interval.Ticks / size.Ticks}{suffix}");
            }
        }

        return "1ms";
    }

    public static string EscapeRegex(string value) => RegexSpecial().Replace(value, @"\$0");

    private static string Format(IReadOnlyList<string> values, bool isArray, GrafanaVariable variable, string query)
    {
        if (!isArray && ReadsAsNumber(values[0]))
        {
            return values[0];
        }

        string escaped = isArray ? "(" + string.Join('|', values.Select(EscapeRegex)) + ")" : EscapeRegex(values[0]);
        if (variable.Multi)
        {
            return escaped;
        }

        var usedInLiteral = new Regex(@"\/(?:\^)?(.*)(\$" + variable.Name + @")(.*)(?:\$)?\/", RegexOptions.Multiline);
        if (RegexLiteral().Matches(query).Any(literal => usedInLiteral.IsMatch(literal.Value)))
        {
            return escaped;
        }

        // JavaScript writes an array into a string as its items joined with commas.
        return isArray ? string.Join(',', values) : values[0];
    }

    /// <summary>Whether JavaScript's parseFloat finds a number at the start of the value.</summary>
    private static bool ReadsAsNumber(string value) => NumberPrefix().IsMatch(value);

    [GeneratedRegex(@"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"(\s*(=|!)~\s*)\/((?![*+?])(?:[^\r\n\[/\\]|\\.|\[(?:[^\r\n\]\\]|\\.)*\])+)\/((?:g(?:im?|mi?)?|i(?:gm?|mg?)?|m(?:gi?|ig?)?)?)", RegexOptions.Multiline)]
    private static partial Regex RegexLiteral();

    [GeneratedRegex(@"[\\^$*+?.()|\[\]{}/]")]
    private static partial Regex RegexSpecial();

    [GeneratedRegex(@"^\s*[+-]?(?:Infinity|[0-9]|\.[0-9])")]
    private static partial Regex NumberPrefix();
}
