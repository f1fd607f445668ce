using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ExecdJvb.Tests.Integration;

/// <summary>The published binary driven exactly as Telegraf's inputs.execd drives it.</summary>
public sealed partial class ExecdBinaryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Each_newline_gives_one_batch_and_closing_stdin_exits_0_within_500_ms()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.3.168-stable-9779.json")));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);
        string golden = File.ReadAllText(TestData.PathOf("golden", "colibri-stats-2.3.168-stable-9779.out"));
        string expectedFields = golden.Split(' ')[1];

        var timestamps = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            await plugin.TriggerAsync();
            string? line = await plugin.NextStdoutLineAsync(Wait);

            Assert.NotNull(line);
            Match point = PointPattern().Match(line);
            Assert.True(point.Success, line);
            Assert.Equal($"jitsi_stats,url={jvb.StatsUrl}", point.Groups["series"].Value);
            Assert.Equal(expectedFields, point.Groups["fields"].Value);
            timestamps.Add(long.Parse(point.Groups["time"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        (int exitCode, TimeSpan elapsed) = await plugin.CloseStdinAsync(Wait);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(500), $"exit took {elapsed.TotalMilliseconds} ms");
        Assert.Equal(5, plugin.StdoutLines.Count);
        Assert.Empty(plugin.StderrLines);
        Assert.Equal(timestamps.Order(), timestamps);
        long now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.InRange(timestamps[0], now - 60_000_000_000, now);
    }

    [Fact]
    public async Task A_target_that_is_down_logs_one_warning_across_many_triggers_and_one_info_when_back()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.1.508-active.json")));
        await jvb.StopAsync();
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl, "--debug", "true"]);

        Assert.StartsWith("D! started: 1 static URL", await plugin.NextStderrLineAsync(Wait));

        // With debug on, every failed gather leaves a D! line: the test's way to know the gather finished.
        string? first = null;
        for (int i = 0; i < 10; i++)
        {
            await plugin.TriggerAsync();
            string? line = await plugin.NextStderrLineAsync(Wait);
            Assert.NotNull(line);
            first ??= line;
            Assert.Matches(i == 0 ? "^W! " : "^D! ", line);
        }

        Assert.Equal($"W! JVB {jvb.StatsUrl}: connection refused (is it running and listening on that port?)", first);
        Assert.Empty(plugin.StdoutLines);

        jvb.Restart();
        await plugin.TriggerAsync();
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        Assert.Equal($"I! JVB {jvb.StatsUrl} answers again", await plugin.NextStderrLineAsync(Wait));
        await plugin.TriggerAsync();
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        IReadOnlyList<string> stderr = plugin.StderrLines;
        Assert.Single(stderr, line => line.StartsWith("W! ", StringComparison.Ordinal));
        Assert.Single(stderr, line => line.StartsWith("I! ", StringComparison.Ordinal));
        Assert.Equal(10, stderr.Count(line => line.StartsWith("D! JVB", StringComparison.Ordinal)) + 1);
        Assert.All(stderr, line => Assert.Matches("^[EWID]! ", line));
    }

    [Fact]
    public async Task Without_debug_a_down_target_writes_nothing_but_the_one_warning()
    {
        await using var jvb = new JvbHttpServer(StubResponse.NotFound());
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);

        // One newline per interval, as Telegraf sends them: the next one only after the server saw the last request.
        for (int i = 1; i <= 20; i++)
        {
            await plugin.TriggerAsync();
            Assert.True(await jvb.WaitForRequestsAsync(i, Wait), $"request {i} did not arrive");
        }

        string? warning = await plugin.NextStderrLineAsync(Wait);
        Assert.NotNull(warning);
        Assert.StartsWith($"W! JVB {jvb.StatsUrl}: HTTP 404 Not Found: ", warning);
        Assert.Contains("COLIBRI_REST_ENABLED=true", warning);

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(20, jvb.Requests);
        Assert.Empty(plugin.StdoutLines);
        Assert.Single(plugin.StderrLines);
    }

    [Fact]
    public async Task A_new_cause_logs_again_and_a_broken_answer_never_reaches_stdout()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("{\"conferences\": 1, \"participants\": "));
        await using var healthy = new JvbHttpServer(StubResponse.Json("""{"conferences": 2}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", $"{jvb.StatsUrl},{healthy.StatsUrl}"]);

        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url={healthy.StatsUrl} conferences=2", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.StartsWith($"W! JVB {jvb.StatsUrl}: the answer is not JSON: ", await plugin.NextStderrLineAsync(Wait));

        jvb.Response = StubResponse.Json("[1, 2]");
        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url={healthy.StatsUrl} conferences=2", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.Equal($"W! JVB {jvb.StatsUrl}: the answer is JSON but not a JSON object: the top level is an array, not an object", await plugin.NextStderrLineAsync(Wait));

        jvb.Response = StubResponse.Json("""{"conferences": 3}""");
        await plugin.TriggerAsync();
        string?[] batch = [await plugin.NextStdoutLineAsync(Wait), await plugin.NextStdoutLineAsync(Wait)];
        Assert.Equal([$"jitsi_stats,url={jvb.StatsUrl} conferences=3", $"jitsi_stats,url={healthy.StatsUrl} conferences=2"], batch.Select(TrimTime));
        Assert.Equal($"I! JVB {jvb.StatsUrl} answers again", await plugin.NextStderrLineAsync(Wait));

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
    }

    [Fact]
    public async Task An_answer_over_max_body_size_is_an_error_not_a_crash()
    {
        byte[] big = new byte[3 * 1024 * 1024];
        big.AsSpan().Fill((byte)' ');
        "{\"a\":1}"u8.CopyTo(big);
        await using var jvb = new JvbHttpServer(StubResponse.Json(big));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl, "--max_body_size", "1MiB"]);

        await plugin.TriggerAsync();

        string? warning = await plugin.NextStderrLineAsync(Wait);
        Assert.Equal($"W! JVB {jvb.StatsUrl}: the answer announces {big.Length} bytes, more than max_body_size (1048576 bytes); is this really a Jitsi component's stats URL?", warning);
        jvb.Response = StubResponse.Json("""{"a":1}""");
        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} a=1", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
    }

    [Fact]
    public async Task A_JVB_that_never_answers_ends_at_the_timeout_and_later_triggers_still_work()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"a":1}""") with { Delay = TimeSpan.FromSeconds(30) });
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl, "--timeout", "500ms"]);

        await plugin.TriggerAsync();
        Assert.Equal($"W! JVB {jvb.StatsUrl}: no complete answer within 500ms (timeout)", await plugin.NextStderrLineAsync(Wait));

        jvb.Response = StubResponse.Json("""{"a":2}""");
        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} a=2", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        Assert.Equal($"I! JVB {jvb.StatsUrl} answers again", await plugin.NextStderrLineAsync(Wait));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
    }

    [Fact]
    public async Task Closing_stdin_during_a_slow_gather_still_exits_0_promptly()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"a":1}""") with { Delay = TimeSpan.FromSeconds(30) });
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);
        await plugin.TriggerAsync();
        Assert.True(await jvb.WaitForRequestsAsync(1, Wait));

        (int exitCode, TimeSpan elapsed) = await plugin.CloseStdinAsync(Wait);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(500), $"exit took {elapsed.TotalMilliseconds} ms");
        Assert.Empty(plugin.StdoutLines);
        Assert.All(plugin.StderrLines, line => Assert.Matches("^[EWID]! ", line));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(15)]
    public async Task However_many_of_20_JVBs_hang_every_gather_writes_the_others_within_about_one_timeout(int hung)
    {
        const int Jvbs = 20;
        TimeSpan timeout = TimeSpan.FromSeconds(1);
        TimeSpan oneTimeoutAndSome = TimeSpan.FromSeconds(1.6);
        var jvbs = new List<JvbHttpServer>();
        try
        {
            // The hung ones spread through the list; each accepts the connection and never answers.
            bool[] hangs = [.. Enumerable.Range(0, Jvbs).Select(i => i * hung % Jvbs < hung)];
            for (int i = 0; i < Jvbs; i++)
            {
                jvbs.Add(new JvbHttpServer(hangs[i] ? StubResponse.Json("""{"a":0}""") with { Delay = TimeSpan.FromMinutes(5) } : StubResponse.Json($$"""{"a":{{i}}}""")));
            }

            Assert.Equal(hung, hangs.Count(h => h));
            string[] expected = [.. Enumerable.Range(0, Jvbs).Where(i => !hangs[i]).Select(i => $"jitsi_stats,url={jvbs[i].StatsUrl} a={i}")];
            await using ExecdProcess plugin = ExecdProcess.Start(["--urls", string.Join(',', jvbs.Select(jvb => jvb.StatsUrl)), "--timeout", "1s"]);

            // The first gather too: the plugin has no threads to warm up and no earlier gather to learn from.
            var took = new List<TimeSpan>();
            for (int gather = 0; gather < 3; gather++)
            {
                var stopwatch = Stopwatch.StartNew();
                await plugin.TriggerAsync();
                var batch = new List<string?>();
                for (int line = 0; line < expected.Length; line++)
                {
                    batch.Add(TrimTime(await plugin.NextStdoutLineAsync(Wait)));
                }

                took.Add(stopwatch.Elapsed);
                Assert.Equal(expected, batch);
            }

            string times = string.Join(", ", took.Select(t => $"{t.TotalSeconds:0.00} s"));
            Assert.True(took.All(t => t <= oneTimeoutAndSome), $"with timeout {timeout.TotalSeconds:0} s and {hung} of {Jvbs} JVBs hung, the gathers took {times}");

            // Stopping while every hung JVB holds a read of the next gather still ends the plugin at once.
            await plugin.TriggerAsync();
            foreach (JvbHttpServer jvb in jvbs.Where((_, i) => hangs[i]))
            {
                Assert.True(await jvb.WaitForRequestsAsync(4, Wait));
            }

            (int exitCode, TimeSpan exit) = await plugin.CloseStdinAsync(Wait);
            Assert.Equal(0, exitCode);
            Assert.True(exit < TimeSpan.FromMilliseconds(500), $"exit took {exit.TotalMilliseconds} ms");
            Assert.Equal(3 * expected.Length, plugin.StdoutLines.Count);
            Assert.Equal(
                jvbs.Where((_, i) => hangs[i]).Select(jvb => $"W! JVB {jvb.StatsUrl}: no complete answer within 1s (timeout)").Order(StringComparer.Ordinal),
                plugin.StderrLines.Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (JvbHttpServer jvb in jvbs)
            {
                await jvb.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(Posix.SigTerm)]
    [InlineData(Posix.SigInt)]
    public async Task A_stop_signal_exits_0(int signal)
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"a":1}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);
        await plugin.TriggerAsync();
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));

        plugin.Signal(signal);

        Assert.Equal(0, await plugin.WaitForExitAsync(Wait));
        Assert.Empty(plugin.StderrLines);
    }

    [Fact]
    public async Task Poll_interval_gathers_on_its_own_timer_without_stdin_newlines()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"a":1}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl, "--poll_interval", "200ms"]);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"jitsi_stats,url={jvb.StatsUrl} a=1", TrimTime(await plugin.NextStdoutLineAsync(Wait)));
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
    }

    [Fact]
    public async Task Newlines_sent_while_a_gather_runs_collapse_into_one_pending_gather()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"a":1}""") with { Delay = TimeSpan.FromMilliseconds(700) });
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);

        await plugin.TriggerAsync();
        Assert.True(await jvb.WaitForRequestsAsync(1, Wait));

        await plugin.WriteStdinAsync(new byte[1000].Select(_ => (byte)'\n').ToArray());
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));

        Assert.Null(await plugin.NextStdoutLineAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(2, jvb.Requests);
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
    }

    [Fact]
    public async Task Once_prints_the_lines_and_exits_0_or_says_why_and_exits_1()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2019-doc.json")));
        await using (ExecdProcess once = ExecdProcess.Start(["--once", "--urls", jvb.StatsUrl]))
        {
            Assert.Equal(0, await once.WaitForExitAsync(Wait));
            string line = Assert.Single(once.StdoutLines);
            Assert.Equal(TrimTime(File.ReadAllText(TestData.PathOf("golden", "colibri-stats-2019-doc.out")).TrimEnd('\n'))!.Replace("http://127.0.0.1:8080/colibri/stats", jvb.StatsUrl, StringComparison.Ordinal), TrimTime(line));
        }

        await jvb.StopAsync();
        await using ExecdProcess down = ExecdProcess.Start(["--once", "--urls", jvb.StatsUrl]);
        Assert.Equal(1, await down.WaitForExitAsync(Wait));
        Assert.Empty(down.StdoutLines);
        Assert.Equal(["W! JVB " + jvb.StatsUrl + ": connection refused (is it running and listening on that port?)", "E! no Jitsi component answered (1 static URL)"], down.StderrLines);
    }

    [Fact]
    public async Task The_binary_reads_environment_and_exits_2_on_a_bad_value()
    {
        await using ExecdProcess plugin = ExecdProcess.Start([], new Dictionary<string, string> { ["EXECD_JVB_URLS"] = "127.0.0.1", ["EXECD_JVB_TIMEOUT"] = "forever" });

        Assert.Equal(2, await plugin.WaitForExitAsync(Wait));
        Assert.Equal(["E! invalid timeout \"forever\": expected a duration such as \"5s\", \"500ms\" or \"1m30s\" greater than zero"], plugin.StderrLines);
        Assert.Empty(plugin.StdoutLines);
    }

    [Fact]
    public async Task Version_prints_the_name_and_version()
    {
        await using ExecdProcess plugin = ExecdProcess.Start(["--version"]);

        Assert.Equal(0, await plugin.WaitForExitAsync(Wait));
        Assert.Matches(@"^execd-jvb \d+\.\d+\.\d+$", Assert.Single(plugin.StdoutLines));
    }

    [Fact]
    public async Task Credentials_in_a_url_never_reach_stderr_or_the_url_tag()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":1}"""));
        string url = $"http://telegraf:s3cr3t-pass@127.0.0.1:{jvb.Port}/colibri/stats";
        await jvb.StopAsync();
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", url]);

        await plugin.TriggerAsync();
        Assert.Equal($"W! JVB http://redacted@127.0.0.1:{jvb.Port}/colibri/stats: connection refused (is it running and listening on that port?)", await plugin.NextStderrLineAsync(Wait));
        jvb.Restart();
        await plugin.TriggerAsync();
        Assert.Equal($"jitsi_stats,url=http://redacted@127.0.0.1:{jvb.Port}/colibri/stats conferences=1", TrimTime(await plugin.NextStdoutLineAsync(Wait)));

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.DoesNotContain(plugin.StderrLines.Concat(plugin.StdoutLines), line => line.Contains("s3cr3t", StringComparison.Ordinal));
    }

    private static string? TrimTime(string? line) => line is null ? null : line[..line.LastIndexOf(' ')];

    [GeneratedRegex(@"^(?<series>\S+) (?<fields>\S+) (?<time>\d{19})$")]
    private static partial Regex PointPattern();
}
