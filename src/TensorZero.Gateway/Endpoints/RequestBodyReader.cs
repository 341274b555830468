using System.Buffers;
using System.IO.Compression;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Reads a request body into memory, decompressing it as a stream (<c>Content-Encoding</c> gzip, br or deflate), and
/// stops as soon as it passes <c>[gateway] max_request_body_bytes</c>, counted after decompression. A body is held
/// once, at its real size: a gzip bomb costs at most the limit, and memory grows only as bytes arrive.
/// </summary>
public static class RequestBodyReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The body's bytes, or a 413 (over the limit), 415 (unknown encoding) or 400 (corrupt compressed data).</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }
        var decode = Decoder(request.Headers.ContentEncoding);
        var body = decode is null ? request.Body : decode(request.Body);
        try
        {
            return await ReadBoundedAsync(body, limit, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit on the bytes on the wire, set to the same value.
            throw TooLarge(limit);
        }
        catch (InvalidDataException)
        {
            throw GatewayError.InvalidRequest("the request body could not be decompressed (check `Content-Encoding`)");
        }
        catch (InvalidOperationException) when (decode is not null)
        {
            // BrotliStream reports corrupt input this way.
            throw GatewayError.InvalidRequest("the request body could not be decompressed (check `Content-Encoding`)");
        }
        finally
        {
            if (decode is not null)
            {
                await body.DisposeAsync();
            }
        }
    }

    /// <summary>The message of every 413, whichever check caught the body.</summary>
    public static GatewayError TooLarge(long limit) => new(ErrorKind.PayloadTooLarge,
        $"the request body is larger than {limit} bytes, the gateway's limit (`gateway.max_request_body_bytes`, counted after decompression)");

    private static Func<Stream, Stream>? Decoder(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0)
        {
            return null;
        }
        var codings = header
            .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(coding => !coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (codings.Count == 0)
        {
            return null;
        }
        if (codings.Count > 1)
        {
            throw new GatewayError(ErrorKind.UnsupportedMediaType, "the request body may have one `Content-Encoding` (gzip, br or deflate), not several");
        }
        return codings[0].ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => stream => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true),
            "br" => stream => new BrotliStream(stream, CompressionMode.Decompress, leaveOpen: true),
            // HTTP's `deflate` is the zlib format (RFC 9110, 8.4.1.2).
            "deflate" => stream => new ZLibStream(stream, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new GatewayError(ErrorKind.UnsupportedMediaType,
                $"`Content-Encoding: {Printable(codings[0])}` is not supported (use gzip, br or deflate)"),
        };
    }

    /// <summary>
    /// Reads into pooled chunks until the end or until the count passes <paramref name="limit"/>, then copies the
    /// bytes into one array of the exact size (the parsed document keeps referring to it).
    /// </summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>();
        long total = 0;
        var filled = 0;
        try
        {
            while (true)
            {
                if (chunks.Count == 0 || filled == ChunkSize)
                {
                    chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                    filled = 0;
                }
                var read = await body.ReadAsync(chunks[^1].AsMemory(filled, ChunkSize - filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                filled += read;
                total += read;
                if (total > limit)
                {
                    throw TooLarge(limit);
                }
            }
            var bytes = GC.AllocateUninitializedArray<byte>((int)total);
            var offset = 0;
            foreach (var chunk in chunks)
            {
                var length = (int)Math.Min(ChunkSize, total - offset);
                chunk.AsSpan(0, length).CopyTo(bytes.AsSpan(offset));
                offset += length;
            }
            return bytes;
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>A header value for a message: printable ASCII without backticks, at most 60 characters.</summary>
    internal static string Printable(string value)
    {
        var printable = new string(value.Where(c => c is >= ' ' and < '\u007f' and not '`').Take(60).ToArray());
        return printable.Length == 0 ? "?" : printable;
    }
}
