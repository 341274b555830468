using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Writes a streamed inference as OpenAI <c>chat.completion.chunk</c> events: one per provider chunk, the role in the
/// first only, tool-call deltas indexed by call in order of appearance, a <c>data: {"error": {"message": ...}}</c>
/// event for a failure mid-stream, and <c>data: [DONE]</c> last.
/// </summary>
public static class OpenAIChatStreamWriter
{
    public static Task WriteAsync(HttpContext context, InferenceStreamResult result, OpenAIChatRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        var toolIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var first = true;
        return SseResponse.WriteAsync(
            context.Response,
            result.Run,
            (writer, chunk) =>
            {
                WriteChunk(writer, result, request, chunk, toolIndexes, first, time.GetUtcNow().ToUnixTimeSeconds());
                first = false;
            },
            static (writer, error) =>
            {
                writer.WriteStartObject();
                writer.WriteStartObject("error");
                writer.WriteString("message", error.Message);
                writer.WriteEndObject();
                writer.WriteEndObject();
            },
            cancellationToken);
    }

    private static void WriteChunk(
        Utf8JsonWriter writer,
        InferenceStreamResult result,
        OpenAIChatRequest request,
        ProviderStreamChunk chunk,
        Dictionary<string, int> toolIndexes,
        bool first,
        long created)
    {
        writer.WriteStartObject();
        writer.WriteString("id", result.InferenceId);
        writer.WriteString("episode_id", result.EpisodeId);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        if (chunk.FinishReason is { } finish)
        {
            writer.WriteString("finish_reason", OpenAIChatResponseWriter.FinishReasonName(finish));
        }
        else
        {
            writer.WriteNull("finish_reason");
        }
        writer.WriteNull("logprobs");
        writer.WriteStartObject("delta");
        if (first)
        {
            writer.WriteString("role", "assistant");
        }
        if (result.FunctionType == FunctionType.Json)
        {
            // JSON functions stream their raw output as text; tool-call arguments (json_mode = "tool") count as text too.
            writer.WriteString("content", string.Concat(chunk.Content.Select(d => d switch
            {
                TextDelta text => text.Text,
                ToolCallDelta call => call.ArgumentsDelta,
                _ => string.Empty,
            })));
        }
        else
        {
            WriteChatDelta(writer, chunk.Content, toolIndexes);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteNumber("created", created);
        writer.WriteString("model", request.ResponseModelPrefix + result.VariantName);
        writer.WriteString("system_fingerprint", string.Empty);
        writer.WriteNull("service_tier");
        writer.WriteString("object", "chat.completion.chunk");
        if (request.IncludeUsage && chunk.Usage is { } usage)
        {
            OpenAIChatResponseWriter.WriteUsage(writer, usage);
        }
        else
        {
            // OpenAI's schema says "object or null", so the key is always there.
            writer.WriteNull("usage");
        }
        writer.WriteEndObject();
    }

    // Thought deltas have no place in OpenAI's delta and are left out, as TensorZero does.
    private static void WriteChatDelta(Utf8JsonWriter writer, IReadOnlyList<ContentDelta> deltas, Dictionary<string, int> toolIndexes)
    {
        StringBuilder? text = null;
        foreach (var delta in deltas.OfType<TextDelta>())
        {
            (text ??= new StringBuilder()).Append(delta.Text);
        }
        if (text is not null)
        {
            writer.WriteString("content", text.ToString());
        }
        if (!deltas.OfType<ToolCallDelta>().Any())
        {
            return;
        }
        writer.WriteStartArray("tool_calls");
        foreach (var call in deltas.OfType<ToolCallDelta>())
        {
            writer.WriteStartObject();
            if (!toolIndexes.TryGetValue(call.Id, out var index))
            {
                index = toolIndexes.Count;
                toolIndexes[call.Id] = index;
                writer.WriteString("id", call.Id);
            }
            writer.WriteNumber("index", index);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", call.Name ?? string.Empty);
            writer.WriteString("arguments", call.ArgumentsDelta);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
