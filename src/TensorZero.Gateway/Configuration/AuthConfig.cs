namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[gateway.auth]</c>: TensorZero's <c>enabled</c> and <c>cache = { enabled, ttl_ms }</c>, plus
/// <c>unauthenticated_routes</c>, the route templates answered without an API key.
/// </summary>
public sealed record AuthConfig(bool Enabled, bool CacheEnabled, long CacheTtlMs, IReadOnlyList<string> UnauthenticatedRoutes)
{
    /// <summary>TensorZero's default: a key's lookup is reused for one second.</summary>
    public const long DefaultCacheTtlMs = 1_000;

    public static readonly IReadOnlyList<string> DefaultUnauthenticatedRoutes = ["/status", "/health", "/metrics"];

    public static readonly AuthConfig Disabled = new(false, true, DefaultCacheTtlMs, DefaultUnauthenticatedRoutes);
}
