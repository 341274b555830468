namespace TensorZero.Gateway.Configuration;

/// <summary><c>[gateway.auth]</c>: TensorZero's keys, and <c>unauthenticated_routes</c> (route templates such as <c>/health</c>).</summary>
internal static class AuthReader
{
    public static AuthConfig Read(TomlSection? section, ObservabilityConfig? observability)
    {
        if (section is null)
        {
            return AuthConfig.Disabled;
        }
        section.RejectUnknown(["enabled", "cache", "unauthenticated_routes"]);
        var cache = section.Section("cache");
        cache?.RejectUnknown(["enabled", "ttl_ms"]);
        var routes = section.StringList("unauthenticated_routes") ?? AuthConfig.DefaultUnauthenticatedRoutes;
        for (var i = 0; i < routes.Count; i++)
        {
            if (!routes[i].StartsWith('/'))
            {
                section.Error($"unauthenticated_routes[{i}]", $"`{routes[i]}` is not a route: write it as the gateway maps it, e.g. `/health`");
            }
        }
        var enabled = section.Bool("enabled") ?? false;
        if (enabled && observability is { Enabled: false })
        {
            section.Error("enabled", "API keys are kept in the gateway's store, and `[gateway.observability] enabled = false` turns the store off: " +
                "turn observability on (SQLite by default, or `TENSORZERO_POSTGRES_URL`) or turn auth off");
        }
        return new AuthConfig(
            enabled,
            cache?.Bool("enabled") ?? true,
            cache?.Integer("ttl_ms", min: 0, max: 86_400_000) ?? AuthConfig.DefaultCacheTtlMs,
            routes);
    }
}
