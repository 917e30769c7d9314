using System.Net;
using System.Net.Sockets;

namespace CreditShare.Web.Tests;

/// <summary>
/// A TCP relay between an app and its database server, which a test can cut (every connection closed, new ones
/// refused) and restore on the same port: the database "goes down" for that app alone, while the shared server keeps
/// serving the other tests.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly IPEndPoint target;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? running;

    public TcpRelay(string host, int port)
    {
        target = new IPEndPoint(host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(host), port);
        Port = ServerProcess.FreePort();
        Restore();
    }

    public int Port { get; }

    /// <summary>Listens again on the same port; a relay that is up already stays as it is.</summary>
    public void Restore()
    {
        if (running is { IsCancellationRequested: false })
        {
            return;
        }

        running?.Dispose();
        running = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        _ = AcceptAsync(listener, running.Token);
    }

    public void Cut()
    {
        running?.Cancel();
        listener?.Stop();
        lock (open)
        {
            foreach (var client in open)
            {
                client.Dispose();
            }

            open.Clear();
        }
    }

    public void Dispose()
    {
        Cut();
        running?.Dispose();
    }

    private async Task AcceptAsync(TcpListener accepting, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await accepting.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = PipeAsync(client, cancellationToken);
        }
    }

    private async Task PipeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var server = new TcpClient();
        lock (open)
        {
            open.Add(client);
            open.Add(server);
        }

        try
        {
            await server.ConnectAsync(target, cancellationToken);
            var toServer = client.GetStream().CopyToAsync(server.GetStream(), cancellationToken);
            var toClient = server.GetStream().CopyToAsync(client.GetStream(), cancellationToken);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Cut, or one side closed.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }
}

/// <summary>A fact that runs only when the suite runs on PostgreSQL (a network database that can go down under an app).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!string.Equals(Environment.GetEnvironmentVariable("CREDITSHARE_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "PostgreSQL only: an embedded SQLite file has no server to lose.";
        }
    }
}
