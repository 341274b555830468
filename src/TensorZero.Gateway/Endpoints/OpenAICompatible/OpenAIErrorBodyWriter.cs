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
    public Task WriteAsync(HttpResponse response, string message, IReadOnlyList<RawResponseEntry> rawResponses, CancellationToken cancellationToken) =>
        JsonWriting.WriteResponseAsync(response, (message, rawResponses), static (writer, error) =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, error.message);
            writer.WriteEndObject();
            if (error.rawResponses.Count > 0)
            {
                RawResponseEntry.WriteArray(writer, "tensorzero_raw_response", error.rawResponses);
            }
            writer.WriteEndObject();
        }, cancellationToken);
}

/// <summary>OpenAI's error body.</summary>
public sealed record OpenAIErrorBody(OpenAIErrorDetail Error);

public sealed record OpenAIErrorDetail(string Message);
