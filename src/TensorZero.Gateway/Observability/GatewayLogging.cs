using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Serilog setup: structured console logs, one line per request. Request bodies, headers and credentials are never
/// logged, and control characters in logged values are escaped (<see cref="LogValueSanitizer"/>). <c>TENSORZERO_LOG_FORMAT=json</c> switches the console to compact JSON lines;
/// <c>TENSORZERO_LOG_LEVEL</c> sets the lowest level written.
/// </summary>
public static class GatewayLogging
{
    /// <summary>The variable that sets the lowest level written (<c>debug</c>, <c>info</c>, <c>warn</c>, ...).</summary>
    public const string LevelVariable = "TENSORZERO_LOG_LEVEL";

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}";

    // Lines waiting for the console (written at most 20 ms after they are logged). Requests never wait for the terminal
    // or a pipe; past this many queued lines (a console that can't keep up for a while), new lines are dropped rather
    // than slowing inference down.
    private const int ConsoleQueueLines = 10_000;

    private static readonly Dictionary<string, LogEventLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = LogEventLevel.Verbose,
        ["debug"] = LogEventLevel.Debug,
        ["info"] = LogEventLevel.Information,
        ["information"] = LogEventLevel.Information,
        ["warn"] = LogEventLevel.Warning,
        ["warning"] = LogEventLevel.Warning,
        ["error"] = LogEventLevel.Error,
    };

    /// <summary>
    /// The level <see cref="LevelVariable"/> asks for (<c>info</c> when unset); a value that names no level stops
    /// startup with an error that names the variable.
    /// </summary>
    public static LogEventLevel MinimumLevel(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return LogEventLevel.Information;
        }
        return Levels.TryGetValue(value.Trim(), out var level)
            ? level
            : throw new Configuration.ConfigException([
                $"`{LevelVariable}` must be one of trace, debug, info, warn or error (got `{LogValueSanitizer.EscapeControlCharacters(value.Length > 20 ? value[..20] + "..." : value)}`)"]);
    }

    public static Serilog.ILogger CreateBootstrapLogger() =>
        Quiet(new LoggerConfiguration()).Enrich.With(new LogValueSanitizer()).WriteTo.Console(outputTemplate: TextTemplate).CreateLogger();

    /// <summary>The console's text format, for rendering captured events as the gateway would print them.</summary>
    public static Serilog.Formatting.ITextFormatter TextFormatter() => new RequestLineTextFormatter(GeneralTextFormatter());

    /// <summary>The console's text format as Serilog's output-template formatter renders it, for every line.</summary>
    public static Serilog.Formatting.ITextFormatter GeneralTextFormatter() =>
        new Serilog.Formatting.Display.MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);

    public static void Configure(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services, LogEventLevel minimumLevel)
    {
        // A line logged inside a request carries the request's id. Every value is escaped before any sink (the console,
        // or one registered in DI) sees it. No LogContext enricher: the gateway pushes nothing onto it, and through it
        // Kestrel's connection scope (ConnectionId, which the request id already begins with) was copied onto every
        // request line. Framework lines still carry their scopes.
        Quiet(logger, minimumLevel)
            .Enrich.With(new RequestIdEnricher())
            .Enrich.With(new LogValueSanitizer(services.GetService<Credentials.SecretRegistry>()))
            .ReadFrom.Services(services);
        // Formatting and writing happen in the background, in batches; what is queued is written out when the host stops.
        var json = string.Equals(Environment.GetEnvironmentVariable("TENSORZERO_LOG_FORMAT"), "json", StringComparison.OrdinalIgnoreCase);
        Serilog.Formatting.ITextFormatter formatter = json ? new RenderedCompactJsonFormatter() : TextFormatter();
        logger.WriteTo.Sink(new ConsoleBatchSink(formatter, Console.OpenStandardOutput(), ConsoleQueueLines, services.GetService<TimeProvider>()));
    }

    public static LogEventLevel RequestLevel(HttpContext context, Exception? error) =>
        error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
        : context.Request.Path.StartsWithSegments("/status") || context.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Debug
        : LogEventLevel.Information;

    /// <summary>
    /// ASP.NET Core's request diagnostics logger. While any level of it is on, the host starts an <c>Activity</c> and a
    /// logging scope for every request, though the lines it writes (request starting and finished) are below the
    /// levels the gateway shows. It is off: the request line carries the request id and the caller's trace itself.
    /// </summary>
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static LoggerConfiguration Quiet(LoggerConfiguration logger, LogEventLevel minimumLevel = LogEventLevel.Information) => logger
        .MinimumLevel.Is(minimumLevel)
        .MinimumLevel.Override("Microsoft", Max(LogEventLevel.Warning, minimumLevel))
        .MinimumLevel.Override(HostingDiagnostics, LevelAlias.Off)
        .MinimumLevel.Override("Microsoft.Hosting.Lifetime", minimumLevel)
        .MinimumLevel.Override("System.Net.Http", Max(LogEventLevel.Warning, minimumLevel));

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;
}
