using System.Diagnostics;

namespace ExecdJvb.Tests.Integration;

/// <summary>Faults on the process's own pipes and signals.</summary>
public sealed class ProcessFaultTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task When_the_reader_closes_stdout_the_plugin_exits_promptly_with_one_error_line_and_no_stack_trace()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":1}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl], readStdout: false);

        // The read end went away, as when Telegraf stops reading: the next write meets a broken pipe.
        await plugin.TriggerAsync();

        Assert.Equal(1, await plugin.WaitForExitAsync(Wait));
        string[] lines = [.. plugin.StderrLines.Where(line => line.Length > 0)];
        Assert.StartsWith("E! stdout is closed (", Assert.Single(lines));
        Assert.EndsWith("); stopping", lines[0]);
    }

    [Fact]
    public async Task Output_redirected_to_a_file_lands_after_what_the_shell_wrote_before_and_before_what_it_writes_after()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":1}"""));
        string folder = Directory.CreateTempSubdirectory("ejd-out-").FullName;
        try
        {
            // The shell's file offset is shared with the plugin: writes must move it, as write(2) does and pwrite does not.
            string file = System.IO.Path.Combine(folder, "out");
            await ExecdProcess.RunAsync("/bin/sh", ["-c", "{ echo header; \"$0\" --version; \"$0\" --once --urls \"$1\"; echo after; } > \"$2\"", PublishedBinary.Path, jvb.StatsUrl, file], Wait);

            string[] lines = File.ReadAllLines(file);
            Assert.Equal(4, lines.Length);
            Assert.Equal("header", lines[0]);
            Assert.StartsWith("execd-jvb ", lines[1]);
            Assert.StartsWith("jitsi_stats,url=", lines[2]);
            Assert.Equal("after", lines[3]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task CRLF_NUL_bytes_and_a_megabyte_without_newline_on_stdin_are_harmless()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":1}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);

        await plugin.WriteStdinAsync("\r\n"u8.ToArray());
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));

        await plugin.WriteStdinAsync([0, 0, 0, (byte)'\n', 0]);
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));

        // A megabyte with no newline asks for nothing and is not kept.
        byte[] noise = new byte[1024 * 1024];
        noise.AsSpan().Fill((byte)'x');
        await plugin.WriteStdinAsync(noise);
        Assert.Null(await plugin.NextStdoutLineAsync(TimeSpan.FromMilliseconds(500)));
        Assert.True(ProcFs.ResidentBytes(plugin.ProcessId) < 64L * 1024 * 1024, "the plugin kept the noise");

        await plugin.WriteStdinAsync("\n"u8.ToArray());
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Equal(3, jvb.Requests);
        Assert.Empty(plugin.StderrLines);
    }

    [Fact]
    public async Task Ten_thousand_newlines_at_once_collapse_into_at_most_two_gathers_with_bounded_memory()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":1}"""));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);
        await plugin.TriggerAsync();
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        long before = ProcFs.ResidentBytes(plugin.ProcessId);

        await plugin.WriteStdinAsync(Enumerable.Repeat((byte)'\n', 10_000).ToArray());
        Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
        while (await plugin.NextStdoutLineAsync(TimeSpan.FromSeconds(1)) is not null)
        {
        }

        Assert.InRange(plugin.StdoutLines.Count, 2, 3);
        Assert.InRange(jvb.Requests, 2, 3);
        Assert.InRange(ProcFs.ResidentBytes(plugin.ProcessId) - before, long.MinValue, 4L * 1024 * 1024);
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
    }

    [Fact]
    public async Task SIGTERM_in_the_middle_of_a_gather_exits_0_promptly()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("""{"conferences":1}""") with { Delay = TimeSpan.FromMinutes(5) });
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);
        await plugin.TriggerAsync();
        Assert.True(await jvb.WaitForRequestsAsync(1, Wait));

        var stopwatch = Stopwatch.StartNew();
        plugin.Signal(Posix.SigTerm);

        Assert.Equal(0, await plugin.WaitForExitAsync(Wait));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"exit took {stopwatch.Elapsed.TotalMilliseconds} ms");
        Assert.Empty(plugin.StdoutLines);
        Assert.All(plugin.StderrLines, line => Assert.Matches("^[EWID]! ", line));
    }
}
