using TensorZero.Gateway.Endpoints.OpenApi;

namespace TensorZero.Gateway.Endpoints;

/// <summary><c>GET /status</c> (liveness) and <c>GET /health</c> (readiness); never authenticated.</summary>
public static class StatusEndpoints
{
    public static readonly string Version =
        typeof(StatusEndpoints).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static void MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", () => Results.Json(new StatusBody("ok", Version), StatusJsonContext.Default.StatusBody)).DocumentStatus();
        app.MapGet("/health", async (GatewayRuntime runtime, IHostApplicationLifetime lifetime, Hosting.GatewayDrain drain, Store.StoreRuntime store, HttpContext context) =>
            drain.IsDraining || lifetime.ApplicationStopping.IsCancellationRequested
                ? Health(lifetime, drain)
                : await Store.StoreHealth.CheckAsync(store, context.RequestAborted)).DocumentHealth();
    }

    /// <summary>
    /// Ready once the runtime is built (the handler's dependency); 503 from the start of the drain (SIGTERM) or of
    /// the shutdown, so a load balancer stops sending new requests while the gateway still serves them.
    /// </summary>
    public static IResult Health(IHostApplicationLifetime lifetime, Hosting.GatewayDrain? drain = null) =>
        drain is { IsDraining: true }
            ? Results.Json(new HealthBody("draining"), StatusJsonContext.Default.HealthBody, statusCode: StatusCodes.Status503ServiceUnavailable)
            : lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Json(new HealthBody("stopping"), StatusJsonContext.Default.HealthBody, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new HealthBody("ok"), StatusJsonContext.Default.HealthBody);
}

public sealed record StatusBody(string Status, string Version);

public sealed record HealthBody(string Gateway);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StatusBody))]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthBody))]
internal sealed partial class StatusJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
