using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Serilog setup: structured console logs, one line per request. Request bodies, headers and credentials are never
/// logged. <c>TENSORZERO_LOG_FORMAT=json</c> switches the console to compact JSON lines.
/// </summary>
public static class GatewayLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}";

    public static Serilog.ILogger CreateBootstrapLogger() =>
        Quiet(new LoggerConfiguration()).WriteTo.Console(outputTemplate: TextTemplate).CreateLogger();

    public static void Configure(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services)
    {
        Quiet(logger).Enrich.FromLogContext().ReadFrom.Services(services);
        if (string.Equals(Environment.GetEnvironmentVariable("TENSORZERO_LOG_FORMAT"), "json", StringComparison.OrdinalIgnoreCase))
        {
            logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        }
        else
        {
            logger.WriteTo.Console(outputTemplate: TextTemplate);
        }
    }

    public static LogEventLevel RequestLevel(HttpContext context, double elapsedMs, Exception? error) =>
        error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
        : context.Request.Path.StartsWithSegments("/status") || context.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Debug
        : LogEventLevel.Information;

    private static LoggerConfiguration Quiet(LoggerConfiguration logger) => logger
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
        .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning);
}
