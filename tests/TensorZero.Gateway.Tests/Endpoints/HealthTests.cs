using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Hosting;
using TensorZero.Gateway.Endpoints;

namespace TensorZero.Gateway.Tests.Endpoints;

public sealed class HealthTests
{
    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }

    [Fact]
    public void Health_Running_IsOk_AndStopping_Is503()
    {
        using var lifetime = new Lifetime();

        var running = Assert.IsType<JsonHttpResult<HealthBody>>(StatusEndpoints.Health(lifetime));
        Assert.Null(running.StatusCode);
        Assert.Equal("ok", running.Value!.Gateway);

        lifetime.StopApplication();
        var stopping = Assert.IsType<JsonHttpResult<HealthBody>>(StatusEndpoints.Health(lifetime));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, stopping.StatusCode);
        Assert.Equal("stopping", stopping.Value!.Gateway);
    }

    [Fact]
    public void Health_Draining_Is503NamingTheDrain()
    {
        using var lifetime = new Lifetime();
        var drain = new TensorZero.Gateway.Hosting.GatewayDrain();
        Assert.Equal("ok", Assert.IsType<JsonHttpResult<HealthBody>>(StatusEndpoints.Health(lifetime, drain)).Value!.Gateway);

        drain.TryBegin();
        var draining = Assert.IsType<JsonHttpResult<HealthBody>>(StatusEndpoints.Health(lifetime, drain));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, draining.StatusCode);
        Assert.Equal("draining", draining.Value!.Gateway);
    }
}
