using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Providers;

/// <summary>A typed client for one configured provider. It asks its credential resolver for the key on every call.</summary>
public interface IModelProvider
{
    /// <summary>The TOML <c>type</c>, e.g. <c>openai</c>.</summary>
    string Type { get; }

    Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken);
}
