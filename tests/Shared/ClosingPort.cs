using System.Net;
using System.Net.Sockets;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// A port on 127.0.0.1 that accepts each connection and closes it without an answer, as Docker's port proxy does for a
/// published port when nothing listens on it inside the container (Jicofo and Jigasi bind their REST API to their own
/// loopback unless told otherwise). The request is read first, so the close is always an orderly one.
/// </summary>
public sealed class ClosingPort : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ClosingPort()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        // Ends when the listener stops: each accept waits for the next connection or the stop.
        while (!_stop.IsCancellationRequested)
        {
            using Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            using var received = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            received.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await client.ReceiveAsync(new byte[4096], SocketFlags.None, received.Token);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
            }

            client.Shutdown(SocketShutdown.Both);
            client.Close();
        }
    }
}
