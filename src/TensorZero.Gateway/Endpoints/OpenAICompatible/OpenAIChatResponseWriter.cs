using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>Writes an inference as an OpenAI <c>chat.completion</c> object, with TensorZero's ids beside OpenAI's fields.</summary>
public static class OpenAIChatResponseWriter
{
    /// <param name="raw">The raw provider data the request asked for, written as <c>tensorzero_raw_usage</c>, <c>tensorzero_original_response</c> and <c>tensorzero_raw_response</c>.</param>
    public static void Write(Utf8JsonWriter writer, InferenceResult result, OpenAIChatRequest request, RawOutput raw, long created)
    {
        var response = result.Model.Response;
        writer.WriteStartObject();
        writer.WriteString("id"u8, result.InferenceId);
        writer.WriteString("episode_id"u8, result.EpisodeId);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteString("finish_reason"u8, FinishReasonName(response.FinishReason));
        writer.WriteStartObject("message"u8);
        if (result.FunctionType == FunctionType.Json)
        {
            // A JSON function's answer is its raw output text, as on /inference; tool calls (json_mode = "tool") count as text.
            JsonWriting.WriteText(writer, "content", response.Content.OfType<TextBlock>().Select(t => t.Text).FirstOrDefault()
                ?? response.Content.OfType<ToolCallBlock>().Select(t => t.Arguments).FirstOrDefault());
            writer.WriteString("role"u8, "assistant");
        }
        else
        {
            WriteChatMessage(writer, response.Content);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteNumber("created"u8, created);
        // The prefix and the variant name as one string value, without joining them first.
        writer.WritePropertyName("model"u8);
        writer.WriteStringValueSegment(request.ResponseModelPrefix, isFinalSegment: false);
        writer.WriteStringValueSegment(result.VariantName, isFinalSegment: true);
        writer.WriteString("system_fingerprint"u8, string.Empty);
        writer.WriteNull("service_tier"u8);
        writer.WriteString("object"u8, "chat.completion");
        WriteUsage(writer, response.Usage);
        if (raw.RawUsage)
        {
            raw.WriteUsageEntries(writer, "tensorzero_raw_usage", result);
        }
        if (raw.OriginalResponse && raw.Original(result.Model) is { } original)
        {
            writer.WriteString("tensorzero_original_response"u8, original);
        }
        if (raw.RawResponse)
        {
            RawResponseEntry.WriteArray(writer, "tensorzero_raw_response", raw.ResponseEntries(result));
        }
        writer.WriteEndObject();
    }

    /// <summary>OpenAI has no <c>stop_sequence</c> or <c>unknown</c>: both, and a missing reason, are <c>stop</c>.</summary>
    public static string FinishReasonName(FinishReason? reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.ToolCall => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => "stop",
    };

    /// <summary>
    /// OpenAI's usage object; counts a provider did not report are left out, and so is <c>tensorzero_cost</c> while the
    /// cost is unknown (this gateway has no cost config), as <c>usage.cost</c> is on <c>/inference</c>.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, Usage usage)
    {
        writer.WriteStartObject("usage"u8);
        if (usage.InputTokens is { } input)
        {
            writer.WriteNumber("prompt_tokens"u8, input);
        }
        if (usage.OutputTokens is { } output)
        {
            writer.WriteNumber("completion_tokens"u8, output);
        }
        if (usage is { InputTokens: { } i, OutputTokens: { } o })
        {
            writer.WriteNumber("total_tokens"u8, i + o);
        }
        writer.WriteEndObject();
    }

    // Text blocks are joined into `content`; tool calls keep the model's raw name and arguments, valid or not; thoughts
    // go to `tensorzero_extra_content` with their position, so a client can send them back in the next turn.
    internal static void WriteChatMessage(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> content)
    {
        string? text = null;
        StringBuilder? joined = null;
        var toolCalls = false;
        var thoughts = false;
        for (var i = 0; i < content.Count; i++)
        {
            switch (content[i])
            {
                case TextBlock block when text is null:
                    text = block.Text;
                    break;
                case TextBlock block:
                    (joined ??= new StringBuilder(text)).Append(block.Text);
                    break;
                case ToolCallBlock:
                    toolCalls = true;
                    break;
                case ThoughtBlock:
                    thoughts = true;
                    break;
            }
        }
        JsonWriting.WriteText(writer, "content", joined?.ToString() ?? text);
        if (toolCalls)
        {
            writer.WriteStartArray("tool_calls"u8);
            for (var i = 0; i < content.Count; i++)
            {
                if (content[i] is not ToolCallBlock call)
                {
                    continue;
                }
                writer.WriteStartObject();
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("type"u8, "function");
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, call.Name);
                JsonWriting.WriteText(writer, "arguments", call.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteString("role"u8, "assistant");
        if (thoughts)
        {
            writer.WriteStartArray("tensorzero_extra_content"u8);
            for (var i = 0; i < content.Count; i++)
            {
                if (content[i] is not ThoughtBlock thought)
                {
                    continue;
                }
                writer.WriteStartObject();
                writer.WriteString("type"u8, "thought");
                writer.WriteNumber("insert_index"u8, i);
                // TensorZero's thought: `text` always (null or not), `signature` when there is one.
                JsonWriting.WriteText(writer, "text", thought.Text);
                if (thought.Signature is not null)
                {
                    writer.WriteString("signature"u8, thought.Signature);
                }
                ThoughtSummary.Write(writer, thought.Summary);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }
}
