using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>A stream's deadline: the time to the first chunk, then the total, on a fake clock.</summary>
public sealed class StreamDeadlineTests
{
    [Fact]
    public void NoLimits_UsesTheOuterTokenAndNeverExpires()
    {
        var time = new FakeTimeProvider();
        using var outer = new CancellationTokenSource();
        using var deadline = new StreamDeadline(time, ttftMs: null, totalMs: null, outer.Token);

        time.Advance(TimeSpan.FromDays(1));
        deadline.FirstChunkArrived();
        Assert.False(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.Expired);

        outer.Cancel();
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.Expired);
    }

    [Theory]
    [InlineData(100L, null, 100)]
    [InlineData(null, 300L, 300)]
    [InlineData(100L, 300L, 100)]
    [InlineData(500L, 300L, 300)]
    public void BeforeTheFirstChunk_TheSoonerLimitFires(long? ttftMs, long? totalMs, int firesAtMs)
    {
        var time = new FakeTimeProvider();
        using var deadline = new StreamDeadline(time, ttftMs, totalMs, CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(firesAtMs - 1));
        Assert.False(deadline.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.Expired);
        Assert.Equal(firesAtMs, deadline.ExpiredMilliseconds);
    }

    [Fact]
    public void AfterTheFirstChunk_OnlyTheTotalRemains()
    {
        var time = new FakeTimeProvider();
        using var deadline = new StreamDeadline(time, ttftMs: 100, totalMs: 1000, CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(50));
        deadline.FirstChunkArrived();
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(deadline.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(deadline.Expired);
        Assert.Equal("streaming.total_ms", deadline.ExpiredSetting);
    }

    [Fact]
    public void TtftOnly_AfterTheFirstChunk_NeverFires()
    {
        var time = new FakeTimeProvider();
        using var deadline = new StreamDeadline(time, ttftMs: 100, totalMs: null, CancellationToken.None);

        deadline.FirstChunkArrived();
        time.Advance(TimeSpan.FromDays(1));
        Assert.False(deadline.Token.IsCancellationRequested);
    }
}
