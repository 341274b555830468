namespace TensorZero.Gateway.Hosting;

/// <summary>
/// Whether the gateway is draining: set once, when SIGTERM or SIGINT arrives, and read by <c>GET /health</c>, which
/// then answers 503 while every other route keeps serving.
/// </summary>
public sealed class GatewayDrain
{
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Starts the drain; false when it had started already.</summary>
    public bool TryBegin() => Interlocked.Exchange(ref _draining, 1) == 0;
}
