using System.Diagnostics;
using Serilog.Events;
using Serilog.Parsing;

namespace TensorZero.Gateway.Observability;

/// <summary>The public id of the API key a request presented, for its log line (set by the auth middleware).</summary>
public sealed record RequestLogApiKey(string PublicId);

/// <summary>
/// One line per request as its response completes: <c>HTTP POST /inference responded 200 in 1.2345 ms</c>, with the
/// request's id (<c>RequestId</c>, Kestrel's connection and request number), the presented API key's public id when
/// there was one, and the caller's trace id when the request carried a W3C <c>traceparent</c> (JSON lines show it as
/// <c>@tr</c>). The event is built from a template parsed once and handed to the host's logger, so its enrichers (the
/// log-value sanitizer) and sinks apply as to every line; a request carries no ambient collector, scope or
/// <c>Activity</c> for it.
/// </summary>
public static class RequestLog
{
    /// <summary>The lines' <c>SourceContext</c>.</summary>
    public const string SourceContext = "TensorZero.Gateway.RequestLog";

    /// <summary>The line's property with the presented key's public id.</summary>
    public const string ApiKeyProperty = "ApiKeyPublicId";

    /// <summary>The line's property with the request's id (<see cref="HttpContext.TraceIdentifier"/>).</summary>
    public const string RequestIdProperty = "RequestId";

    /// <summary>The line's message template, parsed once (the console's formatter knows the line by it).</summary>
    internal static readonly MessageTemplate Template =
        new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");

    // The message's values, by the names the template gives them (the console's formatter reads them by these too).
    internal const string MethodProperty = "RequestMethod";
    internal const string PathProperty = "RequestPath";
    internal const string StatusProperty = "StatusCode";
    internal const string ElapsedProperty = "Elapsed";

    private static readonly ScalarValue Source = new(SourceContext);

    // The line's seven properties at most, with room for an enricher's.
    private const int PropertyCapacity = 8;

    // Status codes as log values, made once.
    private static readonly ScalarValue[] Statuses = [.. Enumerable.Range(0, 600).Select(status => new ScalarValue(status))];

    /// <summary>Wraps the rest of the pipeline, so the line has the status the error handler chose.</summary>
    public static IApplicationBuilder UseGatewayRequestLog(this IApplicationBuilder app, Serilog.ILogger logger)
    {
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        // Only API-key authentication names a key. Without it the line doesn't ask for the feature: a feature Kestrel
        // doesn't hold is looked for through its whole list and the connection's, on every request.
        var apiKeys = app.ApplicationServices.GetService<Configuration.GatewayConfig>()?.Gateway.Auth.Enabled ?? true;
        return app.Use(async (context, next) =>
        {
            var started = time.GetTimestamp();
            // Lines logged while the request runs carry its id too. The value belongs to this async method's flow:
            // it ends when the method returns, so the next request on the connection starts without it.
            RequestIdEnricher.Enter(context.TraceIdentifier);
            try
            {
                await next(context);
            }
            catch (Exception e)
            {
                Write(logger, context, time, started, apiKeys, e);
                throw;
            }
            Write(logger, context, time, started, apiKeys, error: null);
        });
    }

    private static void Write(Serilog.ILogger logger, HttpContext context, TimeProvider time, long started, bool apiKeys, Exception? error)
    {
        var level = GatewayLogging.RequestLevel(context, error);
        if (!logger.IsEnabled(level))
        {
            return;
        }
        var elapsedMs = time.GetElapsedTime(started).TotalMilliseconds;
        // An exception that got past the error handler (the response had started) counts as a 500, as the handler
        // would have answered. Its message stays out of the line: it may quote a provider's answer or a credential.
        var status = error is null ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;
        var apiKey = apiKeys ? context.Features.Get<RequestLogApiKey>() : null;
        // The event's own dictionary, sized for the line's properties at once: LogEvent's constructor would copy them
        // into one grown from empty, through two resizes, on every request.
        var properties = new Dictionary<string, LogEventPropertyValue>(PropertyCapacity)
        {
            [MethodProperty] = new ScalarValue(context.Request.Method),
            [PathProperty] = new ScalarValue(context.Request.Path.Value ?? string.Empty),
            [StatusProperty] = StatusValue(status),
            [ElapsedProperty] = new ScalarValue(elapsedMs),
            ["SourceContext"] = Source,
            [RequestIdProperty] = new ScalarValue(context.TraceIdentifier),
        };
        if (apiKey is not null)
        {
            properties[ApiKeyProperty] = new ScalarValue(apiKey.PublicId);
        }
        logger.Write(LogEvent.UnstableAssembleFromParts(
            time.GetLocalNow(), level, exception: null, Template, properties, CallerTrace(context.Request.Headers), spanId: default));
    }

    /// <summary>
    /// The trace id of a well-formed W3C <c>traceparent</c> header (one value, lower-case hex, no all-zero ids); anything
    /// else, or no header, is no trace.
    /// </summary>
    internal static ActivityTraceId CallerTrace(IHeaderDictionary headers)
    {
        var traceparent = headers.TraceParent;
        return traceparent.Count == 1 && ActivityContext.TryParse(traceparent[0], traceState: null, out var caller)
            ? caller.TraceId
            : default;
    }

    private static ScalarValue StatusValue(int status) =>
        (uint)status < Statuses.Length ? Statuses[status] : new ScalarValue(status);
}
