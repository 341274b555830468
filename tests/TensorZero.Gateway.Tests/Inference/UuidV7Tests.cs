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

    [Fact]
    public void New_ClockGoesBack_KeepsTheTimeGiven()
    {
        var later = DateTimeOffset.FromUnixTimeMilliseconds(1_796_038_556_300);
        var earlier = later.AddMilliseconds(-5);

        UuidV7.New(later);
        var id = UuidV7.New(earlier).ToString("N");

        Assert.Equal(earlier.ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16));
    }
}

/// <summary>
/// The order of ids made in one millisecond. It holds while no id of another millisecond is made in between, so these
/// run alone, after the parallel tests (whose gateways make ids all the time).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UuidV7OrderTests
{
    public const string Name = "UUIDv7 order";
}

[Collection(UuidV7OrderTests.Name)]
public sealed class UuidV7SameMillisecondTests
{
    [Fact]
    public void New_ManyIdsInTheSameMillisecond_SortInTheOrderTheyWereMade()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_796_038_556_200);

        // Past a page of random bytes; at least 2,048 ids of one millisecond are in order.
        var ids = Enumerable.Range(0, 2_048).Select(_ => UuidV7.New(time).ToString("N")).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Equal(time.ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16)));
    }
}
