using System.Text.Json;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>Writes an embeddings answer in OpenAI's shape, with TensorZero's <c>model</c>.</summary>
public static class OpenAIEmbeddingsResponseWriter
{
    /// <param name="rawSecrets">
    /// Set when the request asked for <c>tensorzero::include_raw_response</c>: the secrets redacted from the raw bodies
    /// written under <c>tensorzero::raw_response</c> (failed providers first, then the answer), unless the provider call
    /// gave its own scope.
    /// </param>
    public static void Write(Utf8JsonWriter writer, EmbeddingResult result, EmbeddingEncoding encoding, SecretScope? rawSecrets = null)
    {
        var response = result.Response;
        writer.WriteStartObject();
        writer.WriteString("object"u8, "list");
        writer.WriteStartArray("data"u8);
        for (var i = 0; i < response.Embeddings.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "embedding");
            if (encoding == EmbeddingEncoding.Base64)
            {
                writer.WriteBase64String("embedding"u8, OpenAIEmbeddingWire.LittleEndianBytes(response.Embeddings[i]));
            }
            else
            {
                writer.WriteStartArray("embedding"u8);
                foreach (var value in response.Embeddings[i])
                {
                    writer.WriteNumberValue(value);
                }
                writer.WriteEndArray();
            }
            writer.WriteNumber("index"u8, i);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("model"u8, OpenAIEmbeddingsRequestParser.EmbeddingModelNamePrefix + result.ModelName);
        writer.WriteStartObject("usage"u8);
        // Embeddings have no output tokens, so the total is the input.
        foreach (var name in new[] { "prompt_tokens", "total_tokens" })
        {
            if (response.InputTokens is { } tokens)
            {
                writer.WriteNumber(name, tokens);
            }
            else
            {
                writer.WriteNull(name);
            }
        }
        // `tensorzero_cost` is left out while the cost is unknown (this gateway has no cost config), as on every route.
        writer.WriteEndObject();
        if (rawSecrets is not null)
        {
            // TensorZero names this field with colons, unlike the chat route's `tensorzero_raw_response`.
            var answer = new RawResponseEntry(
                result.ModelInferenceId, result.ProviderType, RawResponseEntry.Embeddings, (response.Secrets ?? rawSecrets).Redact(response.RawResponse));
            RawResponseEntry.WriteArray(writer, "tensorzero::raw_response", [.. result.FailedRawResponses, answer]);
        }
        writer.WriteEndObject();
    }
}
