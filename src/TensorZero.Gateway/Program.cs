using Serilog;
using TensorZero.Gateway;
using TensorZero.Gateway.Auth;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Endpoints.OpenApi;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Store.Feedback;

// Socket completions run on the socket threads, without a thread-pool hop per read (SocketCompletions); before any
// socket is opened, which is when the runtime reads the switch.
TensorZero.Gateway.Hosting.SocketCompletions.PreferInline();

// Requests may carry JSON Schemas whose `pattern`s are matched against text the client steers; a pattern with
// catastrophic backtracking would pin a core for hours. Every regular expression match in the process is bounded
// (this must run before the first Regex is built).
AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", TimeSpan.FromSeconds(1));

// `--healthcheck URL`: the container's HEALTHCHECK probe (the runtime image has no curl).
if (args is ["--healthcheck", var probeUrl])
{
    return await HealthProbe.RunAsync(probeUrl);
}

// `--validate-config --config-file F`: check the config and its static credentials without serving (exit 0 or 1).
if (args.Contains(ValidateConfigCommand.Flag))
{
    var validated = new ConfigurationBuilder().AddCommandLine(args.Where(a => a != ValidateConfigCommand.Flag).ToArray()).Build();
    return ValidateConfigCommand.Run(validated["config-file"], Console.Out, new TensorZero.Gateway.Credentials.ProcessEnvironmentVariables());
}

// `--create-api-key`, `--disable-api-key ID`, `--list-api-keys` with `--config-file F`: gateway API keys in the store.
if (TensorZero.Gateway.Auth.ApiKeyCommands.Handles(args))
{
    return await TensorZero.Gateway.Auth.ApiKeyCommands.RunAsync(args, Console.Out, Console.Error, new TensorZero.Gateway.Credentials.ProcessEnvironmentVariables(), TimeProvider.System);
}

Log.Logger = GatewayLogging.CreateBootstrapLogger();
try
{
    var logLevel = GatewayLogging.MinimumLevel(Environment.GetEnvironmentVariable(GatewayLogging.LevelVariable));
    // Nothing of the host's own configuration files is reloaded while serving: watching the working folder would wake
    // a thread for every write there (the SQLite file and its journal live under the config's folder).
    var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
    var configPath = builder.Configuration["config-file"];
    if (string.IsNullOrWhiteSpace(configPath))
    {
        Log.Fatal("No config file given: start the gateway with `--config-file path/to/tensorzero.toml`");
        return 2;
    }

    // The config is read before the container exists, with a registry of the same built-in provider types.
    var config = new ConfigLoader(ProviderRegistry.CreateDefault()).LoadFile(configPath);
    var bindAddress = BindAddress.Resolve(config.Gateway.BindAddress, Environment.GetEnvironmentVariable("TENSORZERO_GATEWAY_BIND_ADDRESS"));
    builder.WebHost.UseUrls($"http://{bindAddress}");
    // Bytes on the wire; the endpoints count the same limit again after decompression (RequestBodyReader).
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.Limits.MaxRequestBodySize = config.Gateway.MaxRequestBodyBytes;
        kestrel.AddServerHeader = false;
    });

    // The host gets its own logger (sinks registered in DI included); the static one only reports startup failures.
    builder.Host.UseSerilog((context, services, logger) => GatewayLogging.Configure(logger, context.Configuration, services, logLevel), preserveStaticLogger: true);

    builder.Services.AddTensorZeroGateway(config);
    builder.Services.AddGatewayOpenApi(config, builder.Environment);

    var app = builder.Build();
    foreach (var warning in config.Warnings)
    {
        app.Logger.LogWarning("Config: {Warning}", warning);
    }
    // Resolve every credential now, so a bad config stops the process before it accepts traffic.
    var runtime = app.Services.GetRequiredService<GatewayRuntime>();

    if (config.Gateway.BasePath is { } basePath)
    {
        // Every route also answers under `[gateway] base_path`, e.g. /llm/inference.
        app.UsePathBase(basePath);
        app.UseRouting(); // routing must run after the base path is stripped
    }
    if (config.Gateway.CorsAllowedOrigins is { Count: > 0 } origins)
    {
        // Off unless configured: without it a browser lets no other site's page read an answer or send JSON here.
        app.UseCors(policy => policy.WithOrigins([.. origins]).WithMethods("GET", "POST").AllowAnyHeader()
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
    }
    app.Use(async (context, next) =>
    {
        context.Response.Headers["x-tensorzero-gateway-version"] = StatusEndpoints.Version;
        await next(context);
    });
    app.UseGatewayOpenApi();
    app.UseGatewayMetrics();
    // The host's logger, not the static startup one: its format, sinks and value escaping apply to request lines too.
    app.UseGatewayRequestLog(app.Services.GetRequiredService<Serilog.ILogger>());
    // One error boundary (GatewayExceptionHandler); it logs what it handles itself, without exception messages.
    app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = _ => Task.CompletedTask, SuppressDiagnosticsCallback = _ => true });
    app.UseGatewayAuth(); // `[gateway.auth]`: API keys on every route but the unauthenticated ones
    app.MapStatusEndpoints();
    app.MapInferenceEndpoints();
    app.MapOpenAICompatibleEndpoints();
    app.MapFeedbackEndpoints();
    app.MapStoreEndpoints();
    app.MapGatewayMetrics().DocumentMetrics();
    app.MapFallback((HttpContext context) =>
        ErrorResponses.Native(StatusCodes.Status404NotFound, $"Route not found: {context.Request.Method} {context.Request.Path}"));

    app.Logger.LogInformation("TensorZero gateway {Version} listening on {Address} with {Models} models and {Functions} functions",
        StatusEndpoints.Version, bindAddress, runtime.Config.Models.Count, runtime.Config.Functions.Count);
    await app.RunAsync();
    return 0;
}
catch (ConfigException e)
{
    Log.Fatal("The gateway can't start. {Problem}", e.Message);
    return 1;
}
catch (HostAbortedException)
{
    // The test host stops here after building the app.
    throw;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The entry point, visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
