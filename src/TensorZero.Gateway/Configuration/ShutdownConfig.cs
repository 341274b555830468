namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[gateway.shutdown]</c>: how the gateway stops on SIGTERM or SIGINT. For <see cref="DrainDelayMs"/> it keeps
/// serving while <c>GET /health</c> answers 503, so a load balancer takes it out of rotation; then the listener closes
/// and requests and streams in flight have until <see cref="DeadlineMs"/> to finish before the store queue is flushed.
/// </summary>
/// <param name="DrainDelayMs"><c>drain_delay_ms</c>: how long <c>/health</c> answers 503 before the listener closes (0: at once).</param>
/// <param name="DeadlineMs"><c>deadline_ms</c>: how long the stop after the drain delay may take, flushing the store queue included.</param>
public sealed record ShutdownConfig(long DrainDelayMs, long DeadlineMs)
{
    public const long DefaultDrainDelayMs = 5_000;

    public const long DefaultDeadlineMs = 30_000;

    /// <summary>The largest value either setting takes: one hour.</summary>
    public const long MaxMs = 3_600_000;

    public static readonly ShutdownConfig Default = new(DefaultDrainDelayMs, DefaultDeadlineMs);
}
