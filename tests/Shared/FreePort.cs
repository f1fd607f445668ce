using System.Net;
using System.Net.Sockets;

namespace ExecdJvb.Tests.Integration;

internal static class FreePort
{
    /// <summary>
    /// A loopback TCP port nothing listens on right now, for a server another process will open. Taken
    /// below the kernel's ephemeral range (32768 and up), where servers of parallel tests that bind port 0
    /// and client sockets land, so the port is still free when the other process binds it.
    /// </summary>
    public static int Next()
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free loopback port between 20000 and 32000");
    }
}
