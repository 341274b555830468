using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers;

/// <summary>A typed client for one configured embedding provider. It asks its credential resolver for the key on every call.</summary>
public interface IEmbeddingProvider
{
    /// <summary>The TOML <c>type</c>, e.g. <c>openai</c>.</summary>
    string Type { get; }

    /// <summary>Embeds every input; failures are <see cref="Errors.GatewayError"/>s. Cancelling the token aborts the upstream request.</summary>
    Task<EmbeddingProviderResponse> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken);
}

/// <summary>Everything a factory needs to build one embedding provider.</summary>
/// <param name="Errors">Startup problems are appended here (with the provider's TOML path) so all are reported at once.</param>
/// <param name="SettingResolver">
/// Resolves the provider's credential-like settings at startup (Azure's <c>endpoint</c>) the way the credential field
/// is resolved; providers never read the environment themselves.
/// </param>
public sealed record EmbeddingProviderBuildContext(
    EmbeddingProviderConfig Config,
    ProviderDescriptor Descriptor,
    CredentialResolver Credential,
    IHttpClientFactory HttpClients,
    TimeProvider Time,
    ICollection<string> Errors,
    SettingResolver? SettingResolver = null)
{
    /// <summary>
    /// A reader of the provider's type-specific keys (<see cref="EmbeddingProviderConfig.Settings"/>); its problems go
    /// to <see cref="Errors"/> with their TOML paths. Take one per build.
    /// </summary>
    public ProviderSettings ReadSettings() => new(Config.Path, Config.Settings, Errors);

    /// <summary>The gateway-held keys, redacted from this provider's errors along with the request's.</summary>
    public SecretRegistry Secrets { get; init; } = new();
}

/// <summary>Builds embedding providers of one TOML <c>type</c>; registered in <see cref="BuiltInProviders"/> beside the chat factories.</summary>
public interface IEmbeddingProviderFactory
{
    /// <summary>The descriptor of the chat factory of the same type: a type has one credential and one set of auth headers.</summary>
    ProviderDescriptor Descriptor { get; }

    /// <summary>Type-specific keys accepted under <c>[embedding_models.E.providers.P]</c>, besides the shared ones.</summary>
    IReadOnlyCollection<string> SettingKeys { get; }

    IEmbeddingProvider Create(EmbeddingProviderBuildContext context);
}
