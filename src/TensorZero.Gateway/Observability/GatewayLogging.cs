using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Serilog setup: structured console logs, one line per request. Request bodies, headers and credentials are never
/// logged, and control characters in logged values are escaped (<see cref="LogValueSanitizer"/>). <c>TENSORZERO_LOG_FORMAT=json</c> switches the console to compact JSON lines.
/// </summary>
public static class GatewayLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}";

    public static Serilog.ILogger CreateBootstrapLogger() =>
        Quiet(new LoggerConfiguration()).Enrich.With(new LogValueSanitizer()).WriteTo.Console(outputTemplate: TextTemplate).CreateLogger();

    /// <summary>The console's text format, for rendering captured events as the gateway would print them.</summary>
    public static Serilog.Formatting.ITextFormatter TextFormatter() =>
        new Serilog.Formatting.Display.MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);

    public static void Configure(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services)
    {
        // Every value is escaped before any sink (the console, or one registered in DI) sees it.
        Quiet(logger).Enrich.FromLogContext().Enrich.With(new LogValueSanitizer(services.GetService<Credentials.SecretRegistry>())).ReadFrom.Services(services);
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
