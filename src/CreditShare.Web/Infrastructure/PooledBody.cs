using System.Buffers;

namespace CreditShare.Web.Infrastructure;

/// <summary>A request body read into an array from the shared pool; disposing returns the array.</summary>
public sealed class PooledBody : IDisposable
{
    private byte[] array;
    private int length;

    private PooledBody(int capacity) => array = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));

    public ReadOnlyMemory<byte> Memory => array.AsMemory(0, length);

    /// <summary>Reads the whole body; Kestrel's request size limit (set by the caller) stops an endless one.</summary>
    public static async Task<PooledBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var body = new PooledBody((int)Math.Min(request.ContentLength ?? 0, maxBytes));
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(body.array.AsMemory(body.length), cancellationToken)) > 0)
            {
                body.length += read;
                if (body.length == body.array.Length)
                {
                    body.Grow();
                }
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(array.Length * 2);
        array.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(array);
        array = larger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(array);
        array = [];
        length = 0;
    }
}
