using System.Security.Cryptography.X509Certificates;

namespace CreditShare.Gateway.Delivery;

/// <summary>The unit's client certificate (with its key) as the gateway presents it now; a renewal replaces it for the next requests, without a restart.</summary>
public sealed class ClientCertificate(X509Certificate2 initial) : IDisposable
{
    private readonly List<X509Certificate2> replaced = [];
    private volatile X509Certificate2 current = initial;

    public X509Certificate2 Current => current;

    public void Replace(X509Certificate2 next)
    {
        lock (replaced)
        {
            // Not disposed yet: a handshake in flight may still be using the old one.
            replaced.Add(current);
            current = next;
        }
    }

    public void Dispose()
    {
        lock (replaced)
        {
            foreach (var old in replaced)
            {
                old.Dispose();
            }

            current.Dispose();
        }
    }
}

/// <summary>
/// The primary handler of the platform client: a <see cref="SocketsHttpHandler"/> for the current certificate, and a new
/// one as soon as the certificate is replaced, so that no pooled connection authenticated with the old certificate is
/// used for another request. The old handler is kept until this one is disposed: requests in flight finish on it.
/// </summary>
public sealed class ClientCertificateHandler(ClientCertificate certificate, Func<X509Certificate2, SocketsHttpHandler> build) : HttpMessageHandler
{
    private readonly Lock gate = new();
    private readonly List<HttpMessageInvoker> retired = [];
    private X509Certificate2? builtFor;
    private HttpMessageInvoker? invoker;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Current().SendAsync(request, cancellationToken);

    private HttpMessageInvoker Current()
    {
        var wanted = certificate.Current;
        lock (gate)
        {
            if (!ReferenceEquals(wanted, builtFor) || invoker is null)
            {
                if (invoker is not null)
                {
                    retired.Add(invoker);
                }

                invoker = new HttpMessageInvoker(build(wanted), disposeHandler: true);
                builtFor = wanted;
            }

            return invoker;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (gate)
            {
                invoker?.Dispose();
                foreach (var old in retired)
                {
                    old.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }
}
