using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Tests.Inference;

public sealed class UuidV7Tests
{
    [Fact]
    public void New_Id_HasVersion7TheRfcVariantAndTheTimesMilliseconds()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_796_038_556_123);

        var id = UuidV7.New(time);

        var text = id.ToString("N");
        Assert.Equal(7, id.Version);
        Assert.Contains(text[16], "89ab");
        Assert.Equal(time.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
    }

    [Fact]
    public void New_ManyIdsInTheSameMillisecondAcrossThreads_AreAllDifferent()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_796_038_556_123);
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();

        // Several threads, each past its first page of random bytes (4,096 bytes = 256 ids).
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                ids.Add(UuidV7.New(time));
            }
        });

        Assert.Equal(8_000, ids.Distinct().Count());
        // 74 random bits per id: every bit position varies across that many ids.
        var randomParts = ids.Select(id => id.ToString("N")[13..]).ToList();
        Assert.All(Enumerable.Range(0, 19), position => Assert.True(randomParts.Select(p => p[position]).Distinct().Count() > 1));
    }

    [Fact]
    public void New_LaterTime_SortsAfter()
    {
        var earlier = UuidV7.New(DateTimeOffset.FromUnixTimeMilliseconds(1_796_038_556_123));
        var later = UuidV7.New(DateTimeOffset.FromUnixTimeMilliseconds(1_796_038_556_124));

        Assert.True(string.CompareOrdinal(earlier.ToString("N"), later.ToString("N")) < 0);
    }
}
