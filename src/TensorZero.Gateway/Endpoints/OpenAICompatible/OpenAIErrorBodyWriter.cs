using System.Text.Json;
using System.Text.Json.Serialization;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// OpenAI's error body, <c>{"error": {"message": "..."}}</c>, for the OpenAI-compatible routes, so OpenAI SDKs raise
/// their usual exceptions; the status is the one <see cref="ErrorResponses"/> gives each kind.
/// </summary>
public sealed class OpenAIErrorBodyWriter : IErrorBodyWriter
{
    public static readonly OpenAIErrorBodyWriter Instance = new();

    /// <summary>With raw responses asked for: <c>tensorzero_raw_response</c> beside <c>error</c>, as TensorZero adds it.</summary>
    public async Task WriteAsync(HttpResponse response, string message, IReadOnlyList<RawResponseEntry> rawResponses, CancellationToken cancellationToken)
    {
        if (rawResponses.Count == 0)
        {
            await response.WriteAsJsonAsync(
                new OpenAIErrorBody(new OpenAIErrorDetail(message)), OpenAIErrorJsonContext.Relaxed.OpenAIErrorBody, "application/json", cancellationToken);
            return;
        }
        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.BodyWriter, JsonWriting.Options);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        RawResponseEntry.WriteArray(writer, "tensorzero_raw_response", rawResponses);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}

/// <summary>OpenAI's error body.</summary>
public sealed record OpenAIErrorBody(OpenAIErrorDetail Error);

public sealed record OpenAIErrorDetail(string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAIErrorBody))]
internal sealed partial class OpenAIErrorJsonContext : JsonSerializerContext
{
    /// <summary>Bodies are JSON for API clients, not HTML: backticks and non-ASCII text stay readable.</summary>
    public static readonly OpenAIErrorJsonContext Relaxed = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
