using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>Writes the native <c>/inference</c> response body exactly in TensorZero's shape.</summary>
public static class InferenceResponseWriter
{
    /// <param name="raw">The raw provider data the request asked for (<c>raw_usage</c>, <c>original_response</c>, <c>raw_response</c>).</param>
    public static void Write(Utf8JsonWriter writer, InferenceResult result, RawOutput raw)
    {
        var response = result.Model.Response;
        writer.WriteStartObject();
        writer.WriteString("inference_id"u8, result.InferenceId);
        writer.WriteString("episode_id"u8, result.EpisodeId);
        writer.WriteString("variant_name"u8, result.VariantName);
        writer.WritePropertyName(result.FunctionType == FunctionType.Json ? "output" : "content");
        WriteOutputValue(writer, result);
        WriteUsage(writer, response.Usage);
        if (raw.RawUsage)
        {
            raw.WriteUsageEntries(writer, "raw_usage", result);
        }
        if (raw.OriginalResponse && raw.Original(result.Model) is { } original)
        {
            writer.WriteString("original_response"u8, original);
        }
        if (raw.RawResponse)
        {
            RawResponseEntry.WriteArray(writer, "raw_response", raw.ResponseEntries(result));
        }
        if (response.FinishReason is { } finish)
        {
            writer.WriteString("finish_reason"u8, FinishReasonName(finish));
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>usage</c>: both counts, null when the provider did not report them. <c>cost</c> is left out while it is
    /// unknown (this gateway has no cost config): 2025 clients reject the field, current ones default it to null.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, Usage usage)
    {
        writer.WriteStartObject("usage"u8);
        WriteNullableNumber(writer, "input_tokens"u8, usage.InputTokens);
        WriteNullableNumber(writer, "output_tokens"u8, usage.OutputTokens);
        writer.WriteEndObject();
    }

    public static string FinishReasonName(FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.StopSequence => "stop_sequence",
        FinishReason.Length => "length",
        FinishReason.ToolCall => "tool_call",
        FinishReason.ContentFilter => "content_filter",
        _ => "unknown",
    };

    private static void WriteBlock(Utf8JsonWriter writer, ContentBlock block, ResponseSchemas schemas)
    {
        switch (block)
        {
            case TextBlock text:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text");
                JsonWriting.WriteText(writer, "text", text.Text);
                writer.WriteEndObject();
                break;
            case ToolCallBlock call:
                // `name` and `arguments` are null when the model named an unknown tool or its arguments fail the tool's schema.
                writer.WriteStartObject();
                writer.WriteString("type"u8, "tool_call");
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("raw_name"u8, call.Name);
                JsonWriting.WriteText(writer, "raw_arguments", call.Arguments);
                var checkedCall = OutputValidator.ToolCall(call, schemas);
                JsonWriting.WriteText(writer, "name", checkedCall.Name);
                WriteElementOrNull(writer, "arguments"u8, checkedCall.Arguments);
                writer.WriteEndObject();
                break;
            case ThoughtBlock thought:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "thought");
                // `text` is always there, null or not: 2025 clients read it unconditionally.
                JsonWriting.WriteText(writer, "text", thought.Text);
                if (thought.Signature is not null)
                {
                    writer.WriteString("signature"u8, thought.Signature);
                }
                ThoughtSummary.Write(writer, thought.Summary);
                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>
    /// The value of the response's <c>content</c> (chat: the blocks) or <c>output</c> (JSON functions:
    /// <c>{raw, parsed}</c>, <c>parsed</c> null when <c>raw</c> is not valid JSON or fails the schema). The store writes the
    /// same value into the inference row's <c>output</c> column.
    /// </summary>
    public static void WriteOutputValue(Utf8JsonWriter writer, InferenceResult result)
    {
        var content = result.Model.Response.Content;
        if (result.FunctionType == FunctionType.Json)
        {
            var output = OutputValidator.JsonOutput(content, result.Schemas);
            writer.WriteStartObject();
            JsonWriting.WriteText(writer, "raw", output.Raw);
            WriteElementOrNull(writer, "parsed"u8, output.Parsed);
            writer.WriteEndObject();
            return;
        }
        writer.WriteStartArray();
        // By index: a foreach over the interface boxes the list's enumerator, and this runs for every answer and its row.
        for (var i = 0; i < content.Count; i++)
        {
            WriteBlock(writer, content[i], result.Schemas);
        }
        writer.WriteEndArray();
    }

    private static void WriteElementOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, JsonElement? value)
    {
        writer.WritePropertyName(name);
        if (value is { } element)
        {
            element.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
