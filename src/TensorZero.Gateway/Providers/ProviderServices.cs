using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>Shared services handed to provider factories.</summary>
public sealed record ProviderServices(IHttpClientFactory HttpClients, ILoggerFactory Loggers, TimeProvider Time)
{
    /// <summary>The gateway-held keys: the credential factory registers them, providers redact them from errors.</summary>
    public SecretRegistry Secrets { get; init; } = new();

    /// <summary>The inference cache routed providers consult; null when there is none (storage off, tests).</summary>
    public Store.Cache.ModelInferenceCache? Cache { get; init; }

    /// <summary>Re-reads the credentials files the credential factory reads, when they change; none in tests that don't need it.</summary>
    public CredentialFileReloader? CredentialFiles { get; init; }

    /// <summary>The gateway's metrics; null where nothing counts (unit tests).</summary>
    public Observability.GatewayMetrics? Metrics { get; init; }
}
