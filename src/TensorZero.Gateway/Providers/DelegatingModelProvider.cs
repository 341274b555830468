using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// A provider that passes every call to an inner one; subclasses add one concern (a timeout, logging) around it.
/// </summary>
public abstract class DelegatingModelProvider(IModelProvider inner) : IModelProvider
{
    /// <summary>The wrapped provider.</summary>
    public IModelProvider Inner => inner;

    public string Type => inner.Type;

    public bool SupportsCustomTools => inner.SupportsCustomTools;

    public bool SupportsProviderTools => inner.SupportsProviderTools;

    public InferenceParamSupport ParamSupport => inner.ParamSupport;

    public virtual Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
        inner.InferAsync(request, credentials, cancellationToken);

    public virtual IAsyncEnumerable<ProviderStreamChunk> StreamAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
        inner.StreamAsync(request, credentials, cancellationToken);
}
