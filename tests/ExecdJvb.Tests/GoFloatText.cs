using System.Text;

namespace ExecdJvb.Tests;

/// <summary><see cref="GoFloatFormat"/> as strings, for assertions.</summary>
internal static class GoFloatText
{
    public static string G(double value)
    {
        Span<byte> buffer = stackalloc byte[GoFloatFormat.MaxLength];
        return Encoding.ASCII.GetString(buffer[..GoFloatFormat.FormatG(value, buffer)]);
    }

    public static string F(double value)
    {
        Span<byte> buffer = stackalloc byte[GoFloatFormat.MaxLength];
        return Encoding.ASCII.GetString(buffer[..GoFloatFormat.FormatF(value, buffer)]);
    }
}
