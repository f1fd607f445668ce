using System.Diagnostics;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Many gathers in one process, as months under Telegraf would be: no memory growth, no leaked
/// descriptors, and silence while the JVB is down. Bounded to a few minutes.
/// </summary>
public sealed class SoakTests
{
    private const int Triggers = 10_000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ten_thousand_triggers_give_ten_thousand_batches_without_memory_growth_or_descriptor_leaks()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json(TestData.Bytes("jvb", "colibri-stats-2.1.508-active.json")));
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);
        var stopwatch = Stopwatch.StartNew();
        long warmRss = 0;
        int warmDescriptors = 0;
        for (int i = 1; i <= Triggers; i++)
        {
            await plugin.TriggerAsync();
            Assert.NotNull(await plugin.NextStdoutLineAsync(Wait));
            if (i == 2_000)
            {
                warmRss = ProcFs.ResidentBytes(plugin.ProcessId);
                warmDescriptors = ProcFs.OpenDescriptors(plugin.ProcessId);
            }

            Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(4), $"only {i} batches in 4 minutes");
        }

        long finalRss = ProcFs.ResidentBytes(plugin.ProcessId);
        int finalDescriptors = ProcFs.OpenDescriptors(plugin.ProcessId);
        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);

        Assert.Equal(Triggers, plugin.StdoutLines.Count);
        Assert.Equal(Triggers, jvb.Requests);
        Assert.Empty(plugin.StderrLines);
        Assert.True(finalRss - warmRss <= 1024 * 1024, $"RSS grew by {(finalRss - warmRss) / 1024} KiB after warm-up ({warmRss / 1024} KiB → {finalRss / 1024} KiB)");
        Assert.Equal(warmDescriptors, finalDescriptors);
    }

    [Fact]
    public async Task Ten_thousand_triggers_while_the_JVB_is_down_write_nothing_and_log_at_most_two_lines()
    {
        await using var jvb = new JvbHttpServer(StubResponse.Json("{}"));
        await jvb.StopAsync();
        await using ExecdProcess plugin = ExecdProcess.Start(["--urls", jvb.StatsUrl]);

        byte[] newline = "\n"u8.ToArray();
        for (int i = 0; i < Triggers; i++)
        {
            await plugin.WriteStdinAsync(newline);
        }

        Assert.Equal(0, (await plugin.CloseStdinAsync(Wait)).ExitCode);
        Assert.Empty(plugin.StdoutLines);
        Assert.InRange(plugin.StderrLines.Count, 1, 2);
        Assert.StartsWith($"W! JVB {jvb.StatsUrl}: connection refused", plugin.StderrLines[0]);
    }
}
