using System.Net;
using System.Net.Sockets;

namespace ExecdJvb.Benchmarks.EndToEnd;

/// <summary>
/// The floor: the least work any tool must do for one gather. One Docker list call (the very request the
/// plugin makes) over the unix socket and one GET of each JVB's stats, on kept-alive connections where the
/// servers keep them; every JVB request is sent before any answer is read, so the servers work in parallel
/// as they do for the plugin's concurrent fetches. Nothing is parsed, nothing is written.
/// </summary>
internal sealed class FloorClient : IDisposable
{
    private readonly RawHttpConnection _docker;
    private readonly RawHttpConnection[] _jvbs;

    public FloorClient(string dockerSocket, string listTarget, IEnumerable<int> jvbPorts, string statsPath)
    {
        _docker = new RawHttpConnection(new UnixDomainSocketEndPoint(dockerSocket), "docker", listTarget);
        _jvbs = [.. jvbPorts.Select(port => new RawHttpConnection(new IPEndPoint(IPAddress.Loopback, port), $"127.0.0.1:{port}", statsPath))];
    }

    /// <summary>One gather; returns the bytes of stats read (to check the servers answered in full).</summary>
    public long Gather()
    {
        _docker.Send();
        _docker.Receive();
        foreach (RawHttpConnection jvb in _jvbs)
        {
            jvb.Send();
        }

        long bytes = 0;
        foreach (RawHttpConnection jvb in _jvbs)
        {
            bytes += jvb.Receive();
        }

        return bytes;
    }

    public void Dispose()
    {
        _docker.Dispose();
        foreach (RawHttpConnection jvb in _jvbs)
        {
            jvb.Dispose();
        }
    }
}
