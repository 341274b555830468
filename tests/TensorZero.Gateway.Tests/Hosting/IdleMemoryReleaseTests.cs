using TensorZero.Gateway.Hosting;

namespace TensorZero.Gateway.Tests.Hosting;

/// <summary>When the gateway gives memory back: once quiet after a burst, never under load, never without a burst.</summary>
public sealed class IdleMemoryReleaseTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void ShouldRelease_QuietAfterABurst_Releases() =>
        Assert.True(IdleMemoryRelease.ShouldRelease(allocated: 1000 * Mb, allocatedAtLastTick: 999 * Mb, allocatedAtLastRelease: 100 * Mb));

    [Fact]
    public void ShouldRelease_StillAllocating_Waits() =>
        Assert.False(IdleMemoryRelease.ShouldRelease(allocated: 1000 * Mb, allocatedAtLastTick: 900 * Mb, allocatedAtLastRelease: 100 * Mb));

    [Fact]
    public void ShouldRelease_QuietWithoutABurst_DoesNothing() =>
        Assert.False(IdleMemoryRelease.ShouldRelease(allocated: 150 * Mb, allocatedAtLastTick: 149 * Mb, allocatedAtLastRelease: 100 * Mb));

    [Fact]
    public void ShouldRelease_QuietRightAfterARelease_DoesNothing() =>
        Assert.False(IdleMemoryRelease.ShouldRelease(allocated: 1000 * Mb, allocatedAtLastTick: 1000 * Mb, allocatedAtLastRelease: 1000 * Mb));
}
