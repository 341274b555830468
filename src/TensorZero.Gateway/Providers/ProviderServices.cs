using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>Shared services handed to provider factories.</summary>
public sealed record ProviderServices(IHttpClientFactory HttpClients, ILoggerFactory Loggers, TimeProvider Time)
{
    /// <summary>The gateway-held keys: the credential factory registers them, providers redact them from errors.</summary>
    public SecretRegistry Secrets { get; init; } = new();

    /// <summary>The gateway's metrics; null where nothing counts (unit tests).</summary>
    public Observability.GatewayMetrics? Metrics { get; init; }
}
