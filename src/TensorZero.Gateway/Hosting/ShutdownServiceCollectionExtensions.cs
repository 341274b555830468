using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Hosting;

/// <summary>Registers the drain on SIGTERM (<see cref="DrainingHostLifetime"/>) and the stop deadline of <c>[gateway.shutdown]</c>.</summary>
public static class ShutdownServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayShutdown(this IServiceCollection services, ShutdownConfig settings)
    {
        services.TryAddSingleton<GatewayDrain>();
        services.TryAddSingleton<ListenSockets>();
        services.AddOptions<SocketTransportOptions>().Configure<ListenSockets>((options, sockets) => options.CreateBoundListenSocket = sockets.Create);
        // Replaces the console lifetime registered by the host, whose SIGTERM handler would stop at once.
        services.AddSingleton(sp => new DrainingHostLifetime(
            settings, sp.GetRequiredService<GatewayDrain>(), sp.GetRequiredService<ListenSockets>(), sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DrainingHostLifetime>>()));
        services.AddSingleton<IHostLifetime>(sp => sp.GetRequiredService<DrainingHostLifetime>());
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(settings.DeadlineMs));
        return services;
    }
}
