using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// Debian's influxd (1.x) on 127.0.0.1 with its own config, data folder and free ports, holding the
/// database "telegraf". Written to with POST /write and read with InfluxQL POST /query, as Telegraf and
/// Grafana do.
/// </summary>
internal sealed class InfluxDb : IAsyncDisposable
{
    public const string Database = "telegraf";

    private readonly HttpClient _http;
    private readonly Process _daemon;

    private InfluxDb(string folder, Process daemon, int port)
    {
        Folder = folder;
        _daemon = daemon;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Folder { get; }

    public int Port { get; }

    public static async Task<InfluxDb> StartAsync()
    {
        string influxd = new[] { "/usr/bin/influxd", "/usr/local/bin/influxd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("influxd is not installed; these tests need the Debian package influxdb (dotnet pwsh ./build.ps1 test installs it when run as root)");
        string folder = Directory.CreateTempSubdirectory("execd-jvb-influx-").FullName;
        int httpPort = FreePort.Next();
        int rpcPort = FreePort.Next();
        string config = Path.Combine(folder, "influxdb.conf");
        await File.WriteAllTextAsync(config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{folder}/meta"
              logging-enabled = false

            [data]
              dir = "{folder}/data"
              wal-dir = "{folder}/wal"
              query-log-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{httpPort}"
              log-enabled = false

            [monitor]
              store-enabled = false

            [continuous_queries]
              enabled = false

            [subscriber]
              enabled = false
            """);
        var start = new ProcessStartInfo(influxd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-config");
        start.ArgumentList.Add(config);
        var daemon = Process.Start(start)!;
        var log = new StringBuilder();
        _ = Collect(daemon.StandardOutput, log);
        _ = Collect(daemon.StandardError, log);
        var influx = new InfluxDb(folder, daemon, httpPort);
        try
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                if (daemon.HasExited)
                {
                    throw new InvalidOperationException($"influxd exited with {daemon.ExitCode}: {log}");
                }

                try
                {
                    using HttpResponseMessage ping = await influx._http.GetAsync("ping");
                    if (ping.StatusCode == HttpStatusCode.NoContent)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                }

                if (waited.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"influxd did not answer /ping within 30 s: {log}");
                }

                await Task.Delay(100);
            }

            await influx.QueryAsync($"CREATE DATABASE {Database}");
            return influx;
        }
        catch
        {
            await influx.DisposeAsync();
            throw;
        }
    }

    /// <summary>POST /write with nanosecond precision; returns the status and InfluxDB's error text, if any.</summary>
    public async Task<(HttpStatusCode Status, string Body)> WriteAsync(string lines)
    {
        using var content = new StringContent(lines, Encoding.UTF8, "text/plain");
        using HttpResponseMessage response = await _http.PostAsync($"write?db={Database}&precision=ns", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POST /query (InfluxQL); returns the first statement's result, throwing on an error.</summary>
    public async Task<JsonElement> QueryAsync(string influxQl)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["q"] = influxQl, ["db"] = Database, ["epoch"] = "ns" });
        using HttpResponseMessage response = await _http.PostAsync("query", content);
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"query {influxQl} failed with {(int)response.StatusCode}: {body}");
        }

        JsonElement result = JsonDocument.Parse(body).RootElement.GetProperty("results")[0];
        if (result.TryGetProperty("error", out JsonElement error))
        {
            throw new InvalidOperationException($"query {influxQl} failed: {error.GetString()}");
        }

        return result.Clone();
    }

    /// <summary>The rows of the first series of a query result (empty when the query matched nothing).</summary>
    public static IReadOnlyList<JsonElement[]> Rows(JsonElement result) =>
        result.TryGetProperty("series", out JsonElement series)
            ? [.. series[0].GetProperty("values").EnumerateArray().Select(row => row.EnumerateArray().ToArray())]
            : [];

    public static double Number(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? value.GetDouble()
        : throw new InvalidOperationException($"expected a number, got {value}");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_daemon.HasExited)
        {
            Posix.Kill(_daemon.Id, Posix.SigTerm);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _daemon.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _daemon.Kill(entireProcessTree: true);
                await _daemon.WaitForExitAsync();
            }
        }

        _daemon.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string Epoch(DateTimeOffset time) =>
        ((time - DateTimeOffset.UnixEpoch).Ticks * 100).ToString(CultureInfo.InvariantCulture);

    private static async Task Collect(StreamReader from, StringBuilder log)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                if (log.Length < 20_000)
                {
                    log.AppendLine(line);
                }
            }
        }
    }
}
