namespace ExecdJvb.Execd;

/// <summary>stdout carries line protocol and nothing else: one write and one flush per batch.</summary>
internal sealed class StdoutSink(Stream stdout)
{
    /// <summary>False when the reader has gone (Telegraf stopped or the pipe closed).</summary>
    public bool TryWrite(ReadOnlyMemory<byte> batch, out string? error)
    {
        error = null;
        if (batch.IsEmpty)
        {
            return true;
        }

        try
        {
            stdout.Write(batch.Span);
            stdout.Flush();
            return true;
        }
        catch (IOException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (ObjectDisposedException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>For --help, --version and --discover: text for a person at a terminal, never in execd mode.</summary>
    public void WriteText(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        TryWrite(bytes, out _);
    }
}
