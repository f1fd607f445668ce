using System.Text;

namespace ExecdJvb.Tests.Integration;

/// <summary>What the JVB-like server answers to the next requests.</summary>
internal sealed record StubResponse(int Status, string Reason, byte[] Body, string ContentType = "application/json", TimeSpan Delay = default)
{
    public static StubResponse Json(byte[] body) => new(200, "OK", body);

    public static StubResponse Json(string body) => new(200, "OK", Encoding.UTF8.GetBytes(body));

    public static StubResponse NotFound() => new(404, "Not Found", "<html><body>Not Found</body></html>"u8.ToArray(), "text/html");
}
