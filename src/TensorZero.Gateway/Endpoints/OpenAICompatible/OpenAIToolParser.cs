using System.Text.Json;
using System.Text.Json.Nodes;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>OpenAI <c>tools</c> (request-time tools beside the function's own) and <c>tool_choice</c>.</summary>
internal static class OpenAIToolParser
{
    public static List<ToolDefinition>? ParseTools(JsonElement root)
    {
        if (!TryGet(root, "tools"u8, out var tools))
        {
            return null;
        }
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("`tools`: must be an array");
        }
        var definitions = new List<ToolDefinition>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}`: must be an object like {{\"type\": \"function\", \"function\": {{...}}}}");
            }
            var type = RequiredString(tool, "type"u8, $"{path}.type");
            if (type == "custom")
            {
                continue; // read by ParseCustomTools
            }
            if (type != "function")
            {
                throw Invalid($"`{path}.type`: tools of type `{type}` are not supported by this gateway yet (supported: function, custom)");
            }
            if (!TryGet(tool, "function"u8, out var function))
            {
                throw MissingField($"{path}.function");
            }
            if (function.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}.function`: must be an object");
            }
            // OpenAI lets a function without arguments omit `parameters`.
            JsonObject parameters;
            if (TryGet(function, "parameters"u8, out var schema))
            {
                parameters = schema.ValueKind == JsonValueKind.Object
                    ? JsonNode.Parse(schema.GetRawText())!.AsObject()
                    : throw Invalid($"`{path}.function.parameters`: must be a JSON Schema object");
            }
            else
            {
                parameters = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            }
            definitions.Add(new ToolDefinition(
                RequiredString(function, "name"u8, $"{path}.function.name"),
                OptionalString(function, "description"u8, $"{path}.function.description") ?? string.Empty,
                parameters,
                OptionalBool(function, "strict"u8, $"{path}.function.strict") ?? false));
        }
        return definitions;
    }

    /// <summary>The OpenAI custom tools of <c>tools</c> (<c>{"type": "custom", "custom": {...}}</c>); null when there are none.</summary>
    public static List<CustomToolDefinition>? ParseCustomTools(JsonElement root)
    {
        if (!TryGet(root, "tools"u8, out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var custom = new List<CustomToolDefinition>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object || OptionalString(tool, "type"u8, $"{path}.type") != "custom")
            {
                continue;
            }
            if (!TryGet(tool, "custom"u8, out var definition))
            {
                throw MissingField($"{path}.custom");
            }
            custom.Add(CustomToolParser.Parse(definition, $"{path}.custom"));
        }
        return custom.Count == 0 ? null : custom;
    }

    /// <summary><c>none</c>, <c>auto</c>, <c>required</c>, a named function, or <c>allowed_tools</c> (which also narrows the tools).</summary>
    public static (List<string>? AllowedTools, ToolChoice? Choice) ParseToolChoice(JsonElement root)
    {
        if (!TryGet(root, "tool_choice"u8, out var choice))
        {
            return (null, null);
        }
        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "none" => (null, new ToolChoice(ToolChoiceMode.None)),
                "auto" => (null, ToolChoice.Auto),
                "required" => (null, new ToolChoice(ToolChoiceMode.Required)),
                var other => throw Invalid($"`tool_choice`: Invalid tool choice string: {other}"),
            };
        }
        if (choice.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("`tool_choice`: Tool choice must be a string or object");
        }
        if (!TryGet(choice, "type"u8, out var type))
        {
            throw Invalid("`tool_choice`: Tool choice field must have a 'type' field if it is an object");
        }
        switch (type.ValueKind == JsonValueKind.String ? type.GetString() : throw Invalid("`tool_choice.type`: Tool choice 'type' field must be a string"))
        {
            case "function":
                return (null, new ToolChoice(ToolChoiceMode.Specific, FunctionName(choice, "tool_choice")));
            case "allowed_tools":
                if (!TryGet(choice, "allowed_tools"u8, out var allowed) || allowed.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("`tool_choice.allowed_tools`: Missing 'allowed_tools' field in allowed_tools type");
                }
                var mode = RequiredString(allowed, "mode"u8, "tool_choice.allowed_tools.mode") switch
                {
                    "auto" => ToolChoice.Auto,
                    "required" => new ToolChoice(ToolChoiceMode.Required),
                    var other => throw Invalid($"`tool_choice.allowed_tools.mode`: unknown mode `{other}` (expected auto or required)"),
                };
                if (!TryGet(allowed, "tools"u8, out var tools))
                {
                    throw MissingField("tool_choice.allowed_tools.tools");
                }
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("`tool_choice.allowed_tools.tools`: must be an array");
                }
                var names = tools.EnumerateArray().Select((tool, i) => FunctionName(tool, $"tool_choice.allowed_tools.tools[{i}]")).ToList();
                return (names, mode);
            case var other:
                throw Invalid($"`tool_choice.type`: Invalid tool choice type: {other}");
        }
    }

    private static string FunctionName(JsonElement named, string path)
    {
        if (named.ValueKind != JsonValueKind.Object || !TryGet(named, "function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}`: must be {{\"type\": \"function\", \"function\": {{\"name\": \"...\"}}}}");
        }
        return RequiredString(function, "name"u8, $"{path}.function.name");
    }
}
