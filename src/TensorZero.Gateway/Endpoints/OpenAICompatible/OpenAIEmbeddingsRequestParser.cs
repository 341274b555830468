using System.Text.Json;
using TensorZero.Gateway.Credentials;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>An embeddings request: which embedding model, what to embed, and the caller's credentials.</summary>
/// <param name="ModelName">The embedding model's name, without the <c>tensorzero::embedding_model_name::</c> prefix.</param>
/// <param name="ResponseEncoding">How the response writes vectors (OpenAI's default is <c>float</c>).</param>
/// <param name="IncludeRawResponse"><c>tensorzero::include_raw_response</c>: the provider's raw answer goes back under <c>tensorzero::raw_response</c>.</param>
public sealed record OpenAIEmbeddingsRequest(
    string ModelName,
    EmbeddingRequest Embedding,
    EmbeddingEncoding ResponseEncoding,
    RequestCredentials Credentials,
    bool DryRun,
    bool IncludeRawResponse = false);

/// <summary>
/// Validates a <c>POST /openai/v1/embeddings</c> body. Unknown fields are handled as on the chat endpoint: ignored
/// with a warning unless <c>tensorzero::deny_unknown_fields</c> is set.
/// </summary>
public static class OpenAIEmbeddingsRequestParser
{
    public const string EmbeddingModelNamePrefix = "tensorzero::embedding_model_name::";

    private static readonly HashSet<string> Known =
    [
        "input", "model", "dimensions", "encoding_format", "user",
        "tensorzero::credentials", "tensorzero::dryrun", "tensorzero::cache_options", "tensorzero::include_raw_response",
        "tensorzero::deny_unknown_fields",
    ];

    public static OpenAIEmbeddingsRequest Parse(JsonElement root, ILogger logger)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the request body must be a JSON object");
        }
        CheckFields(root, logger);
        var modelName = ParseModel(root, logger);
        var input = ParseInput(root);
        var dimensions = OptionalInt(root, "dimensions"u8, "dimensions");
        if (dimensions < 1)
        {
            throw Invalid("`dimensions`: must be at least 1");
        }
        var encoding = OptionalString(root, "encoding_format"u8, "encoding_format") switch
        {
            null => (EmbeddingEncoding?)null,
            "float" => EmbeddingEncoding.Float,
            "base64" => EmbeddingEncoding.Base64,
            var other => throw Invalid($"`encoding_format`: unknown format `{other}` (expected float or base64)"),
        };
        _ = OptionalString(root, "user"u8, "user");
        if (TryGet(root, "tensorzero::cache_options"u8, out var cache) && cache.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("`tensorzero::cache_options`: must be an object");
        }
        return new OpenAIEmbeddingsRequest(
            modelName,
            new EmbeddingRequest(input, dimensions, encoding),
            encoding ?? EmbeddingEncoding.Float,
            InferenceRequestParser.ParseCredentials(root, "tensorzero::credentials"),
            OptionalBool(root, "tensorzero::dryrun"u8, "tensorzero::dryrun") ?? false,
            OptionalBool(root, "tensorzero::include_raw_response"u8, "tensorzero::include_raw_response") ?? false);
    }

    private static void CheckFields(JsonElement root, ILogger logger)
    {
        var unknown = root.EnumerateObject().Select(p => p.Name).Where(n => !Known.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0)
        {
            return;
        }
        var names = string.Join(", ", unknown);
        if (OptionalBool(root, "tensorzero::deny_unknown_fields"u8, "tensorzero::deny_unknown_fields") == true)
        {
            throw InvalidOpenAIRequest($"`tensorzero::deny_unknown_fields` is set to true, but found unknown fields in the request: [{names}]");
        }
        logger.LogWarning("Ignoring unknown fields in OpenAI-compatible embeddings request: [{Fields:l}]", names);
    }

    // A bare name still works, as in TensorZero, which logs a deprecation warning for it.
    private static string ParseModel(JsonElement root, ILogger logger)
    {
        var model = RequiredString(root, "model"u8, "model");
        if (model.StartsWith(EmbeddingModelNamePrefix, StringComparison.Ordinal))
        {
            var name = model[EmbeddingModelNamePrefix.Length..];
            return name.Length > 0
                ? name
                : throw InvalidOpenAIRequest("embedding_model_name (passed in model field after \"tensorzero::embedding_model_name::\") cannot be empty");
        }
        if (model.Length == 0)
        {
            throw Invalid("`model`: must not be empty");
        }
        logger.LogWarning(
            "Deprecation Warning: Model names in the OpenAI-compatible embeddings endpoint should be prefixed with 'tensorzero::embedding_model_name::'");
        return model;
    }

    private static EmbeddingInput ParseInput(JsonElement root)
    {
        if (!TryGet(root, "input"u8, out var input))
        {
            throw MissingField("input");
        }
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return EmbeddingInput.Single(input.GetString()!);
            case JsonValueKind.Array when input.GetArrayLength() == 0:
                throw Invalid("Input cannot be empty");
            case JsonValueKind.Array when input.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String):
                return new EmbeddingInput(input.EnumerateArray().Select(item => item.GetString()!).ToList(), true);
            case JsonValueKind.Array when input.EnumerateArray().All(item => item.ValueKind is JsonValueKind.Number or JsonValueKind.Array):
                throw Invalid("`input`: token arrays are not supported by this gateway yet; send text");
            default:
                throw Invalid("`input`: must be a string or an array of strings");
        }
    }
}
