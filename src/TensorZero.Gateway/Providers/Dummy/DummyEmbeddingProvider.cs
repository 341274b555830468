using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>Builds <c>type = "dummy"</c> embedding providers: offline models whose behaviour is chosen by <c>model_name</c>.</summary>
public sealed class DummyEmbeddingProviderFactory : IEmbeddingProviderFactory
{
    public ProviderDescriptor Descriptor => DummyProviderFactory.DummyType;

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_name"];

    public IEmbeddingProvider Create(EmbeddingProviderBuildContext context)
    {
        if (string.IsNullOrEmpty(context.Config.ModelName))
        {
            context.Errors.Add($"`{context.Config.Path}.model_name`: is required for `dummy` embedding providers");
        }
        return new DummyEmbeddingProvider(context.Config.ModelName ?? "good", context.Credential, context.Time);
    }
}

/// <summary>
/// An offline embedding provider, as TensorZero's dummy: a 1536-dimension zero vector per input and 10 input tokens.
/// <c>error*</c> fails, a name containing <c>slow</c> answers after 30 s, and <c>test_key</c> refuses any key but
/// <c>good_key</c>.
/// </summary>
public sealed class DummyEmbeddingProvider(string modelName, CredentialResolver credential, TimeProvider time) : IEmbeddingProvider
{
    public const int Dimensions = 1536;

    public const long InputTokens = 10;

    /// <summary>The raw body every answer reports.</summary>
    public const string RawResponse = """{"usage": {"prompt_tokens": 10, "total_tokens": 10}}""";

    private const string DisplayName = "Dummy";

    public string Type => "dummy";

    public async Task<EmbeddingProviderResponse> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        if (modelName == "error_with_raw_response")
        {
            throw DummyFailures.Client("Error from Dummy embedding provider with raw response", StatusCodes.Status500InternalServerError,
                "dummy error raw response");
        }
        if (modelName.StartsWith("error", StringComparison.Ordinal))
        {
            throw DummyFailures.ErrorModel(modelName);
        }
        if (modelName.Contains("slow", StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromSeconds(30), time, cancellationToken).ConfigureAwait(false);
        }
        var key = credential.Require(credentials, DisplayName);
        if (modelName == "test_key" && key.Secret is { } secret && !secret.Equals(DummyProvider.GoodSecret))
        {
            throw DummyFailures.InvalidKey();
        }
        var embeddings = request.Input.Texts.Select(_ => new float[Dimensions]).ToArray();
        return new EmbeddingProviderResponse(embeddings, InputTokens, DummyResponses.RawRequest, RawResponse);
    }
}
