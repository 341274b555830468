using Microsoft.AspNetCore.Routing.Patterns;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Auth;

/// <summary>The key a request was authenticated with, in its features.</summary>
public sealed record AuthenticatedApiKey(string PublicId);

/// <summary>
/// <c>[gateway.auth] enabled = true</c>: every route except <c>unauthenticated_routes</c> needs
/// <c>Authorization: Bearer sk-t0-...</c>. A missing, malformed, unknown or disabled key, or a wrong secret, all get
/// the same 401 and body, so an answer tells a caller nothing about which keys exist.
/// </summary>
public static class ApiKeyAuthentication
{
    /// <summary>The one message of every refusal (in the route's error shape: OpenAI's on <c>/openai/v1</c>).</summary>
    public const string RefusedMessage =
        "TensorZero authentication error: Error performing authentication: a valid API key is required (`Authorization: Bearer sk-t0-...`)";

    public const string UnavailableMessage = "TensorZero authentication error: the API key store is unavailable";

    /// <summary>The tag each stored inference of an authenticated request carries, TensorZero's name.</summary>
    public const string PublicIdTag = "tensorzero::api_key_public_id";

    public static IServiceCollection AddGatewayAuth(this IServiceCollection services, GatewayConfig config)
    {
        if (config.Gateway.Auth.Enabled)
        {
            services.AddSingleton(sp => new ApiKeyValidator(
                sp.GetRequiredService<StoreRuntime>().Store as IApiKeyStore
                    ?? throw new ConfigException(["`gateway.auth.enabled`: API keys need the gateway's store, which is off"]),
                config.Gateway.Auth,
                sp.GetRequiredService<TimeProvider>()));
        }
        return services;
    }

    /// <summary>Adds the check to the pipeline when auth is on; after routing, so the route's template and error shape are known.</summary>
    public static IApplicationBuilder UseGatewayAuth(this IApplicationBuilder app)
    {
        var auth = app.ApplicationServices.GetRequiredService<GatewayConfig>().Gateway.Auth;
        if (!auth.Enabled)
        {
            return app;
        }
        var validator = app.ApplicationServices.GetRequiredService<ApiKeyValidator>();
        var open = new HashSet<string>(auth.UnauthenticatedRoutes, StringComparer.OrdinalIgnoreCase);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiKeyAuthentication).FullName!);
        return app.Use(async (context, next) =>
        {
            // A route is open by its template (`/inferences/{id}`) or, for one the gateway doesn't map, by its path.
            if (open.Contains(context.Request.Path.Value ?? string.Empty) ||
                context.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern } && open.Contains(Template(pattern)))
            {
                await next(context);
                return;
            }
            var authorization = context.Request.Headers.Authorization;
            GatewayApiKey? key;
            try
            {
                key = authorization.Count == 1 ? await validator.ValidateAsync(authorization[0], context.RequestAborted) : null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                // The message is left out: a driver's exception may quote the connection string.
                logger.LogWarning("API key lookup failed ({ExceptionType:l}); answering 503", e.GetType().Name);
                await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, UnavailableMessage);
                return;
            }
            if (key is null)
            {
                if (authorization.Count == 1 && ApiKeyValidator.Parse(authorization[0]) is { } presented)
                {
                    context.Features.Set(new RequestLogApiKey(presented.PublicId));
                }
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, RefusedMessage);
                return;
            }
            context.Features.Set(new RequestLogApiKey(key.PublicId));
            context.Features.Set(new AuthenticatedApiKey(key.PublicId));
            await next(context);
        });
    }

    /// <summary>
    /// <paramref name="request"/> with its key's public id among its tags, when it was authenticated with a key;
    /// otherwise the same instance, not a copy.
    /// </summary>
    public static Inference.InferenceRequest WithKeyTag(HttpContext context, Inference.InferenceRequest request) =>
        context.Features.Get<AuthenticatedApiKey>() is { } key
            ? request with { Tags = new Dictionary<string, string>(request.Tags, StringComparer.Ordinal) { [PublicIdTag] = key.PublicId } }
            : request;

    private static string Template(RoutePattern pattern) => pattern.RawText is { } raw && raw.StartsWith('/') ? raw : "/" + pattern.RawText;

    private static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        var writer = context.GetEndpoint()?.Metadata.GetMetadata<IErrorBodyWriter>() ?? NativeErrorBodyWriter.Instance;
        await writer.WriteAsync(context.Response, message, [], context.RequestAborted);
    }
}
