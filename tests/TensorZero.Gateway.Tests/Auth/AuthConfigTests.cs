using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Auth;

public sealed class AuthConfigTests
{
    private static GatewayConfig Load(string toml)
    {
        var directory = Directory.CreateTempSubdirectory("tz-auth-config-").FullName;
        try
        {
            var path = Path.Combine(directory, "tensorzero.toml");
            File.WriteAllText(path, toml);
            return new ConfigLoader(ProviderRegistry.CreateDefault()).LoadFile(path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_NoAuthSection_AuthIsOff()
    {
        var auth = Load("[gateway]\ndebug = false\n").Gateway.Auth;

        Assert.False(auth.Enabled);
    }

    [Fact]
    public void Load_AuthEnabled_UsesTensorZeroDefaultsAndNoIgnoredWarning()
    {
        var config = Load("[gateway.auth]\nenabled = true\n");

        Assert.True(config.Gateway.Auth.Enabled);
        Assert.True(config.Gateway.Auth.CacheEnabled);
        Assert.Equal(1_000, config.Gateway.Auth.CacheTtlMs);
        Assert.Equal(["/status", "/health", "/metrics"], config.Gateway.Auth.UnauthenticatedRoutes);
        Assert.DoesNotContain(config.Warnings, w => w.Contains("gateway.auth", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CacheAndRoutesSet_AreRead()
    {
        var auth = Load("[gateway.auth]\nenabled = true\nunauthenticated_routes = [\"/health\"]\n[gateway.auth.cache]\nenabled = false\nttl_ms = 250\n")
            .Gateway.Auth;

        Assert.False(auth.CacheEnabled);
        Assert.Equal(250, auth.CacheTtlMs);
        Assert.Equal(["/health"], auth.UnauthenticatedRoutes);
    }

    [Fact]
    public void Load_AuthOnStorageOff_FailsNamingBoth()
    {
        var error = Assert.Throws<ConfigException>(() => Load("[gateway.auth]\nenabled = true\n[gateway.observability]\nenabled = false\n"));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("`gateway.auth.enabled`: API keys are kept in the gateway's store", message, StringComparison.Ordinal);
        Assert.Contains("`[gateway.observability] enabled = false`", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyAndBadRoute_ReportsBoth()
    {
        var error = Assert.Throws<ConfigException>(() =>
            Load("[gateway.auth]\nenabled = true\nunauthenticated_routes = [\"health\"]\n[gateway.auth.cache]\nttl = 5\n"));

        Assert.Contains(error.Errors, e => e.Contains("gateway.auth.cache", StringComparison.Ordinal) && e.Contains("ttl", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("`gateway.auth.unauthenticated_routes[0]`", StringComparison.Ordinal));
    }
}
