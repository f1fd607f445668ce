namespace ExecdJvb;

/// <summary>
/// One gather: ask the target source which JVBs exist, fetch them all at once, map each answer into the
/// batch, and log only what changed. The batch stays valid until the next gather.
/// </summary>
internal sealed class Gatherer(ITargetSource targets, StatsClient client, StatsMapper mapper, TargetStateLog states, StderrLog log, TimeProvider time)
{
    private readonly LineProtocolWriter _batch = new();
    private long _timestamp;

    public async Task<ReadOnlyMemory<byte>> GatherAsync(CancellationToken stopping)
    {
        _batch.Clear();
        // One timestamp per gather, as Telegraf gives all metrics of one interval the same time.
        _timestamp = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        IReadOnlyList<JvbTarget> current = await targets.GetTargetsAsync(stopping).ConfigureAwait(false);
        if (current.Count == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var fetches = new Task<FetchResult>[current.Count];
        for (int i = 0; i < current.Count; i++)
        {
            fetches[i] = client.FetchAsync(current[i].StatsUri, stopping);
        }

        // Every fetch is awaited before any result is used, so buffers are released even if one throws.
        await Task.WhenAll(fetches).ConfigureAwait(false);
        for (int i = 0; i < current.Count; i++)
        {
            FetchResult result = fetches[i].Result;
            try
            {
                Record(current[i], result);
            }
            finally
            {
                result.Release();
            }
        }

        return _batch.WrittenMemory;
    }

    private void Record(JvbTarget target, FetchResult result)
    {
        if (result.Failure is { } failure)
        {
            states.Failed(target.Name, failure.Cause, $"JVB {target.Name}: {failure.Message}");
            return;
        }

        MapOutcome outcome = mapper.Map(result.Body, target.Tags, _timestamp, _batch);
        if (!outcome.Written)
        {
            string what = outcome.Status switch
            {
                MapStatus.NotJson => "the answer is not JSON",
                MapStatus.NotObject => "the answer is JSON but not a JSON object",
                _ => "the answer has no numbers to write",
            };
            states.Failed(target.Name, outcome.Status.ToString(), $"JVB {target.Name}: {what}: {outcome.Detail}");
            return;
        }

        if (outcome.SkippedValues > 0)
        {
            log.Debug($"JVB {target.Name}: {outcome.SkippedValues} numbers skipped (out of range for a float, or keys that cannot be written)");
        }

        states.Succeeded(target.Name, $"JVB {target.Name} answers again");
    }
}
