namespace ExecdJvb.Execd;

/// <summary>
/// Diagnostics for Telegraf: one line per message on stderr, its level in the "E! " / "W! " / "I! " /
/// "D! " prefix that execd reads (Telegraf adds the time itself).
/// </summary>
internal sealed class StderrLog(TextWriter writer, bool debug)
{
    /// <summary>Telegraf stops reading stderr for good after a line over 64 KiB; stay far below.</summary>
    private const int MaxMessageLength = 4000;

    private readonly Lock _lock = new();

    public void Error(string message) => Write("E! ", message);

    public void Warn(string message) => Write("W! ", message);

    public void Info(string message) => Write("I! ", message);

    public void Debug(string message)
    {
        if (debug)
        {
            Write("D! ", message);
        }
    }

    private void Write(string prefix, string message)
    {
        string line = OneLine(message);
        lock (_lock)
        {
            try
            {
                writer.Write(prefix);
                writer.Write(line);
                writer.Write('\n');
                writer.Flush();
            }
            catch (IOException)
            {
                // Nobody reads stderr any more; the message has nowhere else to go.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Control characters become spaces so a message can never split into unprefixed lines.</summary>
    private static string OneLine(string message)
    {
        if (message.Length > MaxMessageLength)
        {
            message = string.Concat(message.AsSpan(0, MaxMessageLength), "…");
        }

        return string.Create(message.Length, message, static (span, text) =>
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                span[i] = char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' ? ' ' : c;
            }
        });
    }
}
