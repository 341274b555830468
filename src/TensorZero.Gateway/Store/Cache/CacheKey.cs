using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store.Cache;

/// <summary>
/// The key of a cache entry, as TensorZero keys its <c>ModelInferenceCache</c>: the model, the provider and the request
/// as that provider gets it (streamed or not) — and, unlike TensorZero, the identity of the credentials in play.
/// It is an HMAC-SHA256 under the database's own cache secret, over the request and every name and value of the
/// request's <c>credentials</c> map: callers with different keys never share an entry, and neither a key nor anything
/// from which one could be tested without the secret is stored. Null when the request holds something it can't
/// describe, so that request bypasses the cache.
/// </summary>
public static class CacheKey
{
    public static string? Compute(
        ReadOnlySpan<byte> secret, string modelName, string providerName, bool stream, ModelRequest request, RequestCredentials credentials)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, modelName);
            writer.WriteString("provider"u8, providerName);
            writer.WriteBoolean("stream"u8, stream);
            if (!WriteRequest(writer, request))
            {
                return null;
            }
            writer.WriteStartArray("credentials"u8);
            foreach (var (name, value) in credentials.Entries().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                writer.WriteStringValue(name);
                writer.WriteStringValue(value.Reveal());
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(secret, buffer.WrittenSpan, hash);
        buffer.Clear();
        return Convert.ToHexStringLower(hash);
    }

    private static bool WriteRequest(Utf8JsonWriter writer, ModelRequest request)
    {
        writer.WriteString("system"u8, request.System);
        writer.WriteStartArray("messages"u8);
        foreach (var message in request.Messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, message.Role == Role.User ? "user" : "assistant");
            writer.WriteStartArray("content"u8);
            foreach (var block in message.Content)
            {
                if (!WriteBlock(writer, block))
                {
                    return false;
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WritePropertyName("params"u8);
        JsonSerializer.Serialize(writer, request.Params, StoreRowJsonContext.Default.InferenceParams);
        writer.WriteStartArray("extra_body"u8);
        foreach (var item in request.ExtraBody.Concat(request.InferenceExtraBody))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(item.Pointer);
            writer.WriteStringValue(item.Value?.ToJsonString());
            writer.WriteBooleanValue(item.Delete);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("extra_headers"u8);
        foreach (var item in request.ExtraHeaders.Concat(request.InferenceExtraHeaders))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(item.Name);
            writer.WriteStringValue(item.Value);
            writer.WriteBooleanValue(item.Delete);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("tools"u8);
        foreach (var tool in request.Tools ?? [])
        {
            writer.WriteStartArray();
            writer.WriteStringValue(tool.Name);
            writer.WriteStringValue(tool.Description);
            writer.WriteStringValue(tool.Parameters.ToJsonString());
            writer.WriteBooleanValue(tool.Strict);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("custom_tools"u8);
        foreach (var tool in request.CustomTools ?? [])
        {
            writer.WriteStartArray();
            writer.WriteStringValue(tool.Name);
            writer.WriteStringValue(tool.Description);
            switch (tool.Format)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case CustomToolTextFormat:
                    writer.WriteStringValue("text");
                    break;
                case CustomToolGrammarFormat grammar:
                    writer.WriteStringValue($"grammar:{grammar.Syntax}");
                    writer.WriteStringValue(grammar.Definition);
                    break;
                default:
                    return false;
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteString("tool_choice"u8, request.ToolChoice is { } choice ? $"{choice.Mode}:{choice.ToolName}" : null);
        if (request.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
        writer.WriteString("json_mode"u8, request.JsonMode.ToString());
        writer.WriteString("output_schema"u8, request.OutputSchema?.ToJsonString());
        writer.WriteString("function_type"u8, request.FunctionType.ToString());
        return true;
    }

    private static bool WriteBlock(Utf8JsonWriter writer, ContentBlock block)
    {
        writer.WriteStartArray();
        switch (block)
        {
            case TextBlock text:
                writer.WriteStringValue("text");
                writer.WriteStringValue(text.Text);
                break;
            case RawTextBlock raw:
                writer.WriteStringValue("raw_text");
                writer.WriteStringValue(raw.Text);
                break;
            case TemplateBlock template:
                writer.WriteStringValue("template");
                writer.WriteStringValue(template.Name);
                writer.WriteStringValue(template.Arguments.ToJsonString());
                break;
            case ToolCallBlock call:
                writer.WriteStringValue("tool_call");
                writer.WriteStringValue(call.Id);
                writer.WriteStringValue(call.Name);
                writer.WriteStringValue(call.Arguments);
                break;
            case ToolResultBlock result:
                writer.WriteStringValue("tool_result");
                writer.WriteStringValue(result.Id);
                writer.WriteStringValue(result.Name);
                writer.WriteStringValue(result.Result);
                break;
            case ThoughtBlock thought:
                writer.WriteStringValue("thought");
                writer.WriteStringValue(thought.Text);
                writer.WriteStringValue(thought.Signature);
                foreach (var summary in thought.Summary ?? [])
                {
                    writer.WriteStringValue(summary);
                }
                break;
            case FileBlock file:
                writer.WriteStringValue("file");
                writer.WriteStringValue(file.MimeType);
                writer.WriteStringValue(file.Data);
                writer.WriteStringValue(file.Url?.ToString());
                writer.WriteStringValue(file.Filename);
                writer.WriteStringValue(file.Detail?.ToString());
                break;
            case UnknownBlock unknown:
                writer.WriteStringValue("unknown");
                writer.WriteStringValue(unknown.Data?.ToJsonString());
                writer.WriteStringValue(unknown.ModelName);
                writer.WriteStringValue(unknown.ProviderName);
                break;
            default:
                return false;
        }
        writer.WriteEndArray();
        return true;
    }
}
