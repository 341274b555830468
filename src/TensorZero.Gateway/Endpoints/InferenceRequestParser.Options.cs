using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>The request options of <c>POST /inference</c> beside its input: tools, output schema, JSON mode, params and tags.</summary>
public static partial class InferenceRequestParser
{
    private static List<string>? OptionalStringList(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? value.EnumerateArray().Select(v => v.GetString()!).ToList()
            : throw Invalid($"`{name}`: must be an array of strings");
    }

    private static List<ToolDefinition>? ParseAdditionalTools(JsonElement root)
    {
        if (!root.TryGetProperty("additional_tools"u8, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("`additional_tools`: must be an array of tools");
        }
        var tools = new List<ToolDefinition>();
        var index = 0;
        foreach (var tool in value.EnumerateArray())
        {
            var path = $"additional_tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}`: must be an object with `name`, `description` and `parameters`");
            }
            if (IsCustomTool(tool))
            {
                continue; // read by ParseCustomTools
            }
            foreach (var property in tool.EnumerateObject().Where(p => p.Name is not ("name" or "description" or "parameters" or "strict" or "type")))
            {
                throw Invalid($"`{path}.{property.Name}`: unknown field");
            }
            if (JsonFields.OptionalString(tool, "type"u8, path) is { } type && type != "function")
            {
                throw Invalid(type == "custom"
                    ? $"`{path}.type`: an OpenAI custom tool is `openai_custom` here (`custom` is the /openai/v1 form)"
                    : $"`{path}.type`: tools of type `{type}` are not supported by this gateway yet (supported: function, openai_custom)");
            }
            if (!tool.TryGetProperty("parameters"u8, out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}.parameters`: must be a JSON Schema object");
            }
            var strict = tool.TryGetProperty("strict"u8, out var strictValue) && strictValue.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Invalid($"`{path}.strict`: must be a boolean"),
            };
            tools.Add(new ToolDefinition(
                JsonFields.RequiredString(tool, "name"u8, path),
                JsonFields.RequiredString(tool, "description"u8, path),
                System.Text.Json.Nodes.JsonNode.Parse(parameters.GetRawText())!.AsObject(),
                strict));
        }
        return tools;
    }

    /// <summary>The OpenAI custom tools of <c>additional_tools</c> (<c>"type": "openai_custom"</c>); null when there are none.</summary>
    private static List<CustomToolDefinition>? ParseCustomTools(JsonElement root)
    {
        if (!root.TryGetProperty("additional_tools"u8, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var tools = value.EnumerateArray()
            .Select((tool, i) => (tool, i))
            .Where(t => t.tool.ValueKind == JsonValueKind.Object && IsCustomTool(t.tool))
            .Select(t => CustomToolParser.Parse(t.tool, $"additional_tools[{t.i}]", tagField: "type"))
            .ToList();
        return tools.Count == 0 ? null : tools;
    }

    private static bool IsCustomTool(JsonElement tool) =>
        tool.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "openai_custom";

    private static ToolChoice? ParseToolChoice(JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice"u8, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() switch
            {
                "none" => new ToolChoice(ToolChoiceMode.None),
                "auto" => ToolChoice.Auto,
                "required" => new ToolChoice(ToolChoiceMode.Required),
                var other => throw Invalid($"`tool_choice`: unknown value `{other}` (valid: none, auto, required, {{\"specific\": \"tool\"}})"),
            },
            JsonValueKind.Object when value.TryGetProperty("specific"u8, out var specific) && specific.ValueKind == JsonValueKind.String
                => new ToolChoice(ToolChoiceMode.Specific, specific.GetString()),
            _ => throw Invalid("`tool_choice`: must be \"none\", \"auto\", \"required\" or {\"specific\": \"tool\"}"),
        };
    }

    private static JsonSchemaDocument? ParseOutputSchema(JsonElement root)
    {
        if (!root.TryGetProperty("output_schema"u8, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("`output_schema`: must be a JSON Schema object");
        }
        try
        {
            return JsonSchemaDocument.Parse(System.Text.Json.Nodes.JsonNode.Parse(value.GetRawText())!.AsObject());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
        {
            throw Invalid("`output_schema`: is not a valid JSON Schema");
        }
    }

    /// <summary><c>params.chat_completion.json_mode</c>; <paramref name="field"/> names the <c>params</c> object in messages.</summary>
    public static JsonMode? ParseJsonMode(JsonElement root, string field = "params")
    {
        if (!root.TryGetProperty(field, out var p) || p.ValueKind != JsonValueKind.Object ||
            !p.TryGetProperty("chat_completion"u8, out var chat) || chat.ValueKind != JsonValueKind.Object ||
            !chat.TryGetProperty("json_mode"u8, out var mode) || mode.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return JsonModes.Parse(mode.ValueKind == JsonValueKind.String ? mode.GetString() : null)
            ?? throw Invalid($"`{field}.chat_completion.json_mode`: must be one of off, on, strict, tool");
    }

    /// <summary>The <c>params</c> object (<c>{"chat_completion": {...}}</c>); <paramref name="field"/> names it in messages.</summary>
    public static InferenceParams ParseParams(JsonElement root, string field = "params")
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return InferenceParams.Empty;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{field}`: must be an object");
        }
        foreach (var property in value.EnumerateObject().Where(p => p.Name != "chat_completion"))
        {
            throw Invalid($"`{field}.{property.Name}`: unknown field");
        }
        if (!value.TryGetProperty("chat_completion"u8, out var chat) || chat.ValueKind == JsonValueKind.Null)
        {
            return InferenceParams.Empty;
        }
        if (chat.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{field}.chat_completion`: must be an object");
        }
        foreach (var property in chat.EnumerateObject())
        {
            if (!ParamKeys.Contains(property.Name))
            {
                throw Invalid($"`{field}.chat_completion.{property.Name}`: unknown field");
            }
        }
        var prefix = $"{field}.chat_completion";
        IReadOnlyList<string>? stops = null;
        if (chat.TryGetProperty("stop_sequences"u8, out var stopValue) && stopValue.ValueKind != JsonValueKind.Null)
        {
            stops = stopValue.ValueKind == JsonValueKind.Array && stopValue.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String)
                ? stopValue.EnumerateArray().Select(s => s.GetString()!).ToList()
                : throw Invalid($"`{prefix}.stop_sequences`: must be an array of strings");
        }
        return new InferenceParams(
            OptionalNumber(chat, "temperature"u8, prefix),
            OptionalInt(chat, "max_tokens"u8, prefix),
            OptionalNumber(chat, "top_p"u8, prefix),
            OptionalInt(chat, "seed"u8, prefix),
            OptionalNumber(chat, "presence_penalty"u8, prefix),
            OptionalNumber(chat, "frequency_penalty"u8, prefix),
            stops,
            JsonFields.OptionalString(chat, "reasoning_effort"u8, prefix),
            ServiceTier(JsonFields.OptionalString(chat, "service_tier"u8, prefix), $"{prefix}.service_tier"),
            JsonFields.OptionalString(chat, "verbosity"u8, prefix),
            OptionalInt(chat, "thinking_budget_tokens"u8, prefix));
    }

    /// <summary>A <c>service_tier</c> value checked against the tiers TensorZero knows; <paramref name="path"/> names the field.</summary>
    public static string? ServiceTier(string? tier, string path) =>
        tier is null || InferenceParams.ServiceTiers.Contains(tier)
            ? tier
            : throw Invalid($"`{path}`: unknown service tier `{tier}` (valid: {string.Join(", ", InferenceParams.ServiceTiers)})");

    /// <summary>The <c>tags</c> map; names starting with <c>tensorzero::</c> are reserved unless the request is internal.</summary>
    public static IReadOnlyDictionary<string, string> ParseTags(JsonElement root, bool internalRequest, string field = "tags")
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        }
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{field}`: must be an object mapping names to strings");
        }
        foreach (var tag in value.EnumerateObject())
        {
            if (tag.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"`{field}.{tag.Name}`: must be a string");
            }
            if (!internalRequest && tag.Name.StartsWith("tensorzero::", StringComparison.Ordinal))
            {
                throw Invalid($"Tag name cannot start with 'tensorzero::': {tag.Name}");
            }
            tags[tag.Name] = tag.Value.GetString()!;
        }
        return tags;
    }
}
