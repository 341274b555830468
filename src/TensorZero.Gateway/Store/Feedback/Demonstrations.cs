using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store.Feedback;

/// <summary>
/// Checks a <c>demonstration</c> against the inference it is about, as TensorZero does, and gives the JSON to store:
/// for a chat function, a string or an array of <c>text</c> / <c>tool_call</c> blocks whose tools were offered to that
/// inference and whose arguments fit the tool's parameters; for a JSON function, a value that fits the output schema
/// that inference used, stored as <c>{"raw", "parsed"}</c>.
/// </summary>
public static class Demonstrations
{
    public static string Parse(JsonElement value, InferenceRow target, GatewayConfig config) =>
        target.FunctionType == "json" ? Json(value, target) : Chat(value, target, config);

    private static string Json(JsonElement value, InferenceRow target)
    {
        var schema = Schema(target.OutputSchema);
        if (schema?.Validate(value) is { } problems)
        {
            throw GatewayError.InvalidRequest($"Demonstration does not fit function output schema: {problems}");
        }
        return RowJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("raw"u8, value.GetRawText());
            writer.WritePropertyName("parsed"u8);
            value.WriteTo(writer);
            writer.WriteEndObject();
        });
    }

    private static JsonSchemaDocument? Schema(string? text)
    {
        try
        {
            return text is null || JsonNode.Parse(text) is not JsonObject node ? null : JsonSchemaDocument.Parse(node);
        }
        catch (Exception e) when (e is JsonException or InvalidJsonSchemaException)
        {
            // A stored schema was valid when its inference ran; one that no longer compiles can't reject anything.
            return null;
        }
    }

    private static string Chat(JsonElement value, InferenceRow target, GatewayConfig config)
    {
        var blocks = value.ValueKind switch
        {
            JsonValueKind.String => [new Block(value.GetString()!, null, default, null)],
            JsonValueKind.Array => value.EnumerateArray().Select(ParseBlock).ToList(),
            _ => throw GatewayError.InvalidRequest("Demonstration must be a string or an array of content blocks"),
        };
        var offered = OfferedTools(target.ToolParams);
        foreach (var call in blocks.Where(b => b.ToolName is not null))
        {
            if (!offered.Contains(call.ToolName!))
            {
                throw GatewayError.InvalidRequest("Demonstration contains invalid tool name");
            }
            // A tool from the config is checked against its parameters; one the request added (additional_tools)
            // is stored by name only, so its arguments can't be.
            var configured = config.Tools.Values.FirstOrDefault(t => t.Name == call.ToolName);
            if (configured is not null && !configured.Parameters.IsValid(call.Arguments))
            {
                throw GatewayError.InvalidRequest("Demonstration contains invalid tool call arguments");
            }
        }
        return RowJson.Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var block in blocks)
            {
                writer.WriteStartObject();
                if (block.ToolName is null)
                {
                    writer.WriteString("type"u8, "text");
                    writer.WriteString("text"u8, block.Text);
                }
                else
                {
                    writer.WriteString("type"u8, "tool_call");
                    writer.WritePropertyName("arguments"u8);
                    block.Arguments.WriteTo(writer);
                    writer.WriteString("id"u8, block.ToolCallId);
                    writer.WriteString("name"u8, block.ToolName);
                    writer.WriteString("raw_arguments"u8, block.Arguments.GetRawText());
                    writer.WriteString("raw_name"u8, block.ToolName);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        });
    }

    private sealed record Block(string? Text, string? ToolName, JsonElement Arguments, string? ToolCallId);

    private static Block ParseBlock(JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("expected an object with a `type`");
        }
        var type = block.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return new Block(String(block, "text"), null, default, null);
            case "tool_call":
                if (!block.TryGetProperty("arguments"u8, out var arguments))
                {
                    throw Invalid("missing field `arguments`");
                }
                return new Block(null, String(block, "name"), arguments, String(block, "id"));
            case null:
                throw Invalid("missing field `type`");
            default:
                throw Invalid("unknown variant, expected `text` or `tool_call`");
        }
    }

    private static string String(JsonElement block, string name) =>
        !block.TryGetProperty(name, out var value) ? throw Invalid($"missing field `{name}`")
        : value.ValueKind == JsonValueKind.String ? value.GetString()!
        : throw Invalid($"`{name}` must be a string");

    private static GatewayError Invalid(string reason) => GatewayError.InvalidRequest($"Invalid demonstration content block: {reason}");

    /// <summary>The tools the inference offered, from its stored <c>{"tools_available": [names]}</c>.</summary>
    private static HashSet<string> OfferedTools(string? toolParams)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            if (toolParams is not null && JsonNode.Parse(toolParams)?["tools_available"] is JsonArray tools)
            {
                names.UnionWith(tools.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var name) ? name : null).OfType<string>());
            }
        }
        catch (JsonException)
        {
            // An unreadable column offers nothing.
        }
        return names;
    }
}
