using System.Globalization;
using System.Text;
using ExecdJvb.Configuration;
using ExecdJvb.Mapping;
using ExecdJvb.LineProtocol;
using ExecdJvb.Mapping.Json;

namespace ExecdJvb.Fuzz;

/// <summary>
/// One fuzz input through JsonFlattener twice, as the plugin is configured by default and with tag_keys
/// and json_string_fields, each into a cleared writer, then <see cref="LineInvariants"/> on the result.
/// Mappers and writer live as long as the process, as in the plugin, so state left over from one input
/// can break the next.
/// </summary>
internal sealed class MapTarget
{
    private const long Timestamp = 1_700_000_000_123_456_789;

    private static readonly byte[] TimestampText = Encoding.ASCII.GetBytes(Timestamp.ToString(CultureInfo.InvariantCulture));

    private readonly JsonFlattener _plain = new("jitsi_stats", [], []);
    private readonly JsonFlattener _tagged = new("jitsi_stats", [new GlobPattern("*_id"), new GlobPattern("region")], [new GlobPattern("version")]);
    private readonly TargetTag[] _noTargetTags = [];
    private readonly TargetTag[] _urlTag = [new TargetTag("url", "http://127.0.0.1:8080/colibri/stats")];
    private readonly LineProtocolWriter _writer = new();
    private byte[] _input = new byte[64 * 1024];

    /// <summary>Reads the whole stream (afl-fuzz's input on stdin) into a reused buffer, then runs it.</summary>
    public void Run(Stream input)
    {
        int length = 0;
        while (true)
        {
            if (length == _input.Length)
            {
                Array.Resize(ref _input, _input.Length * 2);
            }

            int read = input.Read(_input, length, _input.Length - length);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        Run(_input.AsSpan(0, length));
    }

    public void Run(ReadOnlySpan<byte> json)
    {
        Check(json, _plain, _noTargetTags, textFieldsAllowed: false, "no tag_keys, no json_string_fields");
        Check(json, _tagged, _urlTag, textFieldsAllowed: true, "tag_keys [\"*_id\", \"region\"], json_string_fields [\"version\"], a url tag");
    }

    private void Check(ReadOnlySpan<byte> json, JsonFlattener mapper, TargetTag[] targetTags, bool textFieldsAllowed, string configuration)
    {
        _writer.Clear();
        MapOutcome outcome;
        try
        {
            outcome = mapper.Map(json, targetTags, Timestamp, _writer);
        }
        catch (Exception ex)
        {
            throw new InvariantViolationException($"JsonFlattener.Map threw {ex.GetType().Name} ({configuration})", ex);
        }

        string? violation = LineInvariants.Violation(_writer.WrittenMemory.Span, outcome, textFieldsAllowed, TimestampText);
        if (violation is not null)
        {
            throw new InvariantViolationException($"{violation} ({configuration}); output: {Printable(_writer.WrittenMemory.Span)}");
        }
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2).Append('"');
        foreach (byte b in bytes)
        {
            if (b is >= 0x20 and < 0x7f and not (byte)'"')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return text.Append('"').ToString();
    }
}
