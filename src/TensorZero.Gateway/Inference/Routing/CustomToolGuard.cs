using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// Keeps OpenAI custom tools, and provider tools scoped to it, from a provider that can't send them: such a request fails
/// on that provider with a request error naming it (routing then tries the next one), instead of going out without its
/// tools.
/// </summary>
internal sealed class CustomToolGuard(IModelProvider inner, string providerName, string modelName) : DelegatingModelProvider(inner)
{
    public override Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
        Refuses(request) ? Task.FromException<ProviderResponse>(Refusal(request)) : Inner.InferAsync(request, credentials, cancellationToken);

    // A stream fails on its first read, as a provider's own failure before the first chunk does; an accepted request's
    // stream is the provider's own, with no extra layer per chunk.
    public override IAsyncEnumerable<ProviderStreamChunk> StreamAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
        Refuses(request) ? Failed(Refusal(request)) : Inner.StreamAsync(request, credentials, cancellationToken);

    private bool Refuses(ModelRequest request) =>
        (request.CustomTools is { Count: > 0 } && !Inner.SupportsCustomTools) || RefusesProviderTools(request);

    private bool RefusesProviderTools(ModelRequest request) => request.InferenceProviderTools.Count > 0 && !Inner.SupportsProviderTools;

    private GatewayError Refusal(ModelRequest request) =>
        RefusesProviderTools(request)
            ? GatewayError.InvalidRequest(
                $"Provider `{Inner.Type}` does not support `provider_tools`, but {request.InferenceProviderTools.Count} provider tool(s) were " +
                $"configured for model `{modelName}` / provider `{providerName}`. Provider tools are only supported by: Anthropic, GCP Vertex " +
                "Anthropic, and OpenAI (Responses API only).")
            : CustomToolSupport.Unsupported([(providerName, Inner.Type, modelName)]);

    private static async IAsyncEnumerable<ProviderStreamChunk> Failed(GatewayError error)
    {
        await Task.FromException(error).ConfigureAwait(false);
        yield break;
    }
}

/// <summary>Which providers can take OpenAI custom tools, and the error for a request that reaches none of them.</summary>
public static class CustomToolSupport
{
    /// <summary>The 400 for custom tools sent where no provider takes them, naming each provider.</summary>
    public static GatewayError Unsupported(IEnumerable<(string Provider, string Type, string Model)> providers) =>
        GatewayError.InvalidRequest(
            "OpenAI custom tools are not supported by " +
            string.Join(", ", providers.Distinct().Select(p => $"provider `{p.Provider}` (type `{p.Type}`) of model `{p.Model}`")) +
            "; they need a provider of type `openai` (Chat Completions or Responses API)");

    /// <summary>
    /// Fails before any variant runs when a request has custom tools and no provider of any model it could reach sends
    /// them (the pinned variant's, else every variant's). A variant that can't be told (a type without one model, a
    /// model that can't be built now) lets the request run, and fails on its own if it must.
    /// </summary>
    /// <exception cref="GatewayError">400, naming every provider that was considered.</exception>
    public static void Check(FunctionRuntime function, VariantRuntime? pinned, RequestTools tools)
    {
        if (tools.CustomTools.Count == 0)
        {
            return;
        }
        var refusing = new List<(string, string, string)>();
        foreach (var variant in pinned is null ? function.Variants.Values : [pinned])
        {
            if (ModelOf(variant) is not { } model || model.Providers.Any(p => p.Provider.SupportsCustomTools))
            {
                return;
            }
            refusing.AddRange(model.Providers.Select(p => (p.Name, p.Provider.Type, model.Name)));
        }
        if (refusing.Count > 0)
        {
            throw Unsupported(refusing);
        }
    }

    private static Model? ModelOf(VariantRuntime variant)
    {
        try
        {
            return variant.Model;
        }
        catch (GatewayError)
        {
            return null;
        }
    }
}
