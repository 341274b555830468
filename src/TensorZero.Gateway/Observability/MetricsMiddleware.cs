namespace TensorZero.Gateway.Observability;

/// <summary>
/// Counts every request by route template and status, and, for a request that answered an inference, the inference
/// and the gateway's overhead (the request's time minus its time waiting on providers). <c>GET /metrics</c> renders it.
/// </summary>
public static class MetricsMiddleware
{
    /// <summary>Prometheus's text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Wraps the rest of the pipeline, so it sees the status the error handler chose.</summary>
    public static IApplicationBuilder UseGatewayMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<GatewayMetrics>();
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            var started = time.GetTimestamp();
            var request = new RequestMetrics(time);
            RequestMetrics.Begin(request);
            // Routing ran already; read the route now, since the error handler clears it before it writes an error.
            var template = RouteTemplate(context.GetEndpoint());
            var status = StatusCodes.Status500InternalServerError;
            try
            {
                await next(context);
                status = context.Response.StatusCode;
            }
            finally
            {
                metrics.CountRequest(template ?? RouteTemplate(context.GetEndpoint()), status);
                if (request.Answer is { } answer)
                {
                    if (!answer.Dryrun)
                    {
                        metrics.CountInference(answer.Function, answer.Variant, answer.Model, answer.Provider);
                    }
                    metrics.ObserveOverhead(answer.Function, answer.Variant, time.GetElapsedTime(started) - request.ProviderWait);
                }
            }
        });
    }

    // A mapped route with its methods; the fallback (any method, any path) counts as unmatched.
    private static string? RouteTemplate(Endpoint? endpoint) =>
        endpoint is RouteEndpoint route && route.Metadata.GetMetadata<IHttpMethodMetadata>() is not null ? route.RoutePattern.RawText : null;

    /// <summary><c>GET /metrics</c>: every series in Prometheus's text format.</summary>
    public static RouteHandlerBuilder MapGatewayMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", async (HttpContext context, GatewayMetrics metrics) =>
        {
            context.Response.ContentType = ContentType;
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
}
