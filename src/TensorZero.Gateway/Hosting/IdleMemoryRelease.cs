namespace TensorZero.Gateway.Hosting;

/// <summary>
/// Gives memory back to the system once a burst is over. The GC only runs when something allocates, so after a burst
/// of large bodies an idle gateway would keep the heap it grew for the burst. When the process has allocated a lot
/// since the last release and then goes quiet, this runs one aggressive collection, which compacts the heap and
/// decommits what it no longer needs. It never runs under load: steady traffic leaves memory to the GC's own heuristics.
/// </summary>
public sealed partial class IdleMemoryRelease(TimeProvider time, ILogger<IdleMemoryRelease> logger) : BackgroundService
{
    /// <summary>How often the allocation counter is read.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    /// <summary>Allocating less than this in one period counts as idle.</summary>
    public const long IdleBytesPerPeriod = 8L * 1024 * 1024;

    /// <summary>Allocating at least this since the last release counts as a burst worth releasing.</summary>
    public const long BurstBytes = 128L * 1024 * 1024;

    /// <summary>Whether the period that just ended was quiet after enough allocation to be worth a collection.</summary>
    /// <param name="allocated">Bytes allocated by the process so far.</param>
    /// <param name="allocatedAtLastTick">The same count one period ago.</param>
    /// <param name="allocatedAtLastRelease">The same count at the last release (or at start).</param>
    public static bool ShouldRelease(long allocated, long allocatedAtLastTick, long allocatedAtLastRelease) =>
        allocated - allocatedAtLastTick < IdleBytesPerPeriod && allocated - allocatedAtLastRelease >= BurstBytes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        var lastTick = GC.GetTotalAllocatedBytes();
        var lastRelease = lastTick;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var allocated = GC.GetTotalAllocatedBytes();
                if (ShouldRelease(allocated, lastTick, lastRelease))
                {
                    var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    LogReleased(logger, before >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20);
                    allocated = GC.GetTotalAllocatedBytes();
                    lastRelease = allocated;
                }
                lastTick = allocated;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle after a burst: GC heap committed {BeforeMb} MB -> {AfterMb} MB")]
    private static partial void LogReleased(ILogger logger, long beforeMb, long afterMb);
}
