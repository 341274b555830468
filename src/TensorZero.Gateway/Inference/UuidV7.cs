using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// UUIDv7 ids (RFC 9562: 48 bits of Unix milliseconds, 12 bits <c>rand_a</c>, 62 random bits), with the random bits
/// drawn from the cryptographic generator a page at a time: a request needs several ids, and asking the kernel for 16
/// bytes each time was 6% of the gateway's CPU under load. Ids of the same millisecond are made in order, as
/// TensorZero's are: <c>rand_a</c> is a counter (RFC 9562's method 3), started at a random value below 2,048 for each
/// new millisecond and stepped for each id after it, so ids sort in the order they were made; a millisecond that
/// exhausts the counter, or a clock that went back, gets random values again (still unique, no longer ordered).
/// </summary>
public static class UuidV7
{
    private const int PoolBytes = 4096;

    [ThreadStatic]
    private static byte[]? t_pool;

    [ThreadStatic]
    private static int t_next;

    // The last id's millisecond and counter: (milliseconds << 12) | counter.
    private static long s_last;

    /// <summary>A new id for <paramref name="time"/>.</summary>
    public static Guid New(DateTimeOffset time)
    {
        var pool = t_pool;
        if (pool is null || t_next + 16 > PoolBytes)
        {
            pool = t_pool ??= new byte[PoolBytes];
            RandomNumberGenerator.Fill(pool);
            t_next = 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        var random = pool.AsSpan(t_next, 16);
        random.CopyTo(bytes);
        random.Clear(); // each random byte is used once
        t_next += 16;
        // Big-endian layout: unix_ts_ms (48) | ver (4) rand_a (12) | var (2) rand_b (62).
        var milliseconds = (ulong)time.ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF;
        var counter = Counter(milliseconds, ((bytes[6] << 8) | bytes[7]) & 0x7FF);
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(milliseconds >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)milliseconds);
        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    // The next counter of `milliseconds`: one past the last id's when it was of the same millisecond and below the
    // top, else `start` (random, below 2,048: room for at least 2,048 ids in order).
    private static int Counter(ulong milliseconds, int start)
    {
        while (true)
        {
            var last = Volatile.Read(ref s_last);
            var counter = (ulong)last >> 12 == milliseconds && (last & 0xFFF) < 0xFFF ? (int)(last & 0xFFF) + 1 : start;
            if (Interlocked.CompareExchange(ref s_last, (long)(milliseconds << 12) | (uint)counter, last) == last)
            {
                return counter;
            }
        }
    }
}
