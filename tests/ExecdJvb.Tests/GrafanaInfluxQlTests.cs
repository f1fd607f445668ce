using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// The Grafana substitution the dashboard test relies on, case by case as Grafana's InfluxDB data source
/// (datasource.ts interpolateQueryExpr and its tests), template_srv.ts and the server's query.go behave.
/// </summary>
public sealed class GrafanaInfluxQlTests
{
    private static readonly GrafanaVariable Server = new("server", "", Multi: true, IncludeAll: true, AllValue: "");
    private static readonly GrafanaVariable Single = new("site", "", Multi: false, IncludeAll: false, AllValue: "");
    private static readonly GrafanaTimeRange Range = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_600_000), TimeSpan.FromSeconds(10));

    [Fact]
    public void A_multi_value_variable_is_a_regex_group_even_when_one_value_is_picked_and_the_query_quotes_it()
    {
        Assert.Equal(@"WHERE ""host"" =~ /^(meet\.example\.org)$/", Replace(@"WHERE ""host"" =~ /^$server$/", VariableSelection.Of(Server, "meet.example.org")));
        Assert.Equal(@"WHERE ""host"" = '(meet\.example\.org)'", Replace(@"WHERE ""host"" = '$server'", VariableSelection.Of(Server, "meet.example.org")));
    }

    [Fact]
    public void Several_values_are_escaped_one_by_one_and_joined_as_alternatives()
    {
        Assert.Equal("/^(a|b\\.c|d)$/", Replace("/^$server$/", VariableSelection.Of(Server, "a", "b.c", "d")));
    }

    [Fact]
    public void All_is_the_custom_all_value_unescaped_or_else_every_option()
    {
        Assert.Equal("/^.*$/", Replace("/^$server$/", VariableSelection.All(Server with { AllValue = ".*" }, ["a", "b"])));
        Assert.Equal("/^(a|b\\.c)$/", Replace("/^$server$/", VariableSelection.All(Server, ["a", "b.c"])));
    }

    [Fact]
    public void A_single_value_variable_is_escaped_only_inside_a_regex_match()
    {
        Assert.Equal(@"""site"" =~ /^meet\.example\.org$/", Replace(@"""site"" =~ /^$site$/", VariableSelection.Of(Single, "meet.example.org")));
        Assert.Equal(@"""site"" !~ /meet\/b/", Replace(@"""site"" !~ /$site/", VariableSelection.Of(Single, "meet/b")));
        Assert.Equal(@"""site"" = 'meet.example.org'", Replace(@"""site"" = '$site'", VariableSelection.Of(Single, "meet.example.org")));
        // Slashes elsewhere in the query are no regex match.
        Assert.Equal(@"SELECT ""a"" / 2 FROM ""m"" WHERE ""site"" = 'x.y' AND ""t"" =~ /z/", Replace(@"SELECT ""a"" / 2 FROM ""m"" WHERE ""site"" = '$site' AND ""t"" =~ /z/", VariableSelection.Of(Single, "x.y")));
    }

    [Fact]
    public void A_value_that_starts_like_a_number_is_written_as_it_is()
    {
        Assert.Equal("/^10.0.0.7$/", Replace("/^$site$/", VariableSelection.Of(Single, "10.0.0.7")));
        Assert.Equal("/^-1.5x$/", Replace("/^$site$/", VariableSelection.Of(Single, "-1.5x")));
    }

    [Fact]
    public void Every_regex_metacharacter_and_the_slash_get_a_backslash()
    {
        Assert.Equal(@"a\/b\(c\)\[d\]\{e\}\|f\*g\+h\?i\^j\$k\\l-m", GrafanaInfluxQl.EscapeRegex(@"a/b(c)[d]{e}|f*g+h?i^j$k\l-m"));
    }

    [Fact]
    public void The_three_reference_forms_are_replaced_and_unknown_names_are_left_alone()
    {
        VariableSelection picked = VariableSelection.Of(Server, "a");
        Assert.Equal("(a) (a) (a) $other", Replace("$server ${server} [[server]] $other", picked));
    }

    [Fact]
    public void The_server_writes_the_time_filter_in_epoch_milliseconds_and_the_interval_in_one_unit()
    {
        string query = GrafanaInfluxQl.Interpolate("WHERE $timeFilter GROUP BY time($__interval), time($interval) LIMIT $__interval_ms", [], Range);

        Assert.Equal("WHERE time >= 1700000000000ms and time <= 1700000600000ms GROUP BY time(10s), time(10s) LIMIT 10000", query);
    }

    [Fact]
    public void A_count_over_a_subquery_has_both_time_filters_and_intervals_replaced_and_reads_the_inner_measurement_with_the_outer_field_first()
    {
        var target = new GrafanaTarget("Jibri", "", "C",
            """SELECT sum("unhealthy") FROM (SELECT 1 - last("healthy") AS "unhealthy" FROM "jicofo_jibri" WHERE "host" =~ /^$server$/ AND $timeFilter GROUP BY time($__interval), "jibri") WHERE $timeFilter GROUP BY time($__interval), "host" fill(null)""");

        string query = GrafanaInfluxQl.Interpolate(target.Query, [VariableSelection.Of(Server, "meet.example.org")], Range);

        Assert.Equal(
            """SELECT sum("unhealthy") FROM (SELECT 1 - last("healthy") AS "unhealthy" FROM "jicofo_jibri" WHERE "host" =~ /^(meet\.example\.org)$/ AND time >= 1700000000000ms and time <= 1700000600000ms GROUP BY time(10s), "jibri") WHERE time >= 1700000000000ms and time <= 1700000600000ms GROUP BY time(10s), "host" fill(null)""",
            query);
        Assert.Equal("jicofo_jibri", target.Measurement);
        Assert.Equal(["unhealthy", "healthy"], target.Fields);
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1m")]
    [InlineData(500, "500ms")]
    [InlineData(129_600_000, "1d")]
    [InlineData(0, "1ms")]
    public void Intervals_are_written_in_their_largest_whole_unit(long milliseconds, string text)
    {
        Assert.Equal(text, GrafanaInfluxQl.FormatInterval(TimeSpan.FromMilliseconds(milliseconds)));
    }

    private static string Replace(string query, VariableSelection selection) => GrafanaInfluxQl.ReplaceVariables(query, [selection]);
}
