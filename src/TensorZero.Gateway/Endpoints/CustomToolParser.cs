using System.Text.Json;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Reads an OpenAI custom tool as TensorZero models it (<c>OpenAICustomTool</c>): <c>name</c>, an optional
/// <c>description</c> and an optional <c>format</c>, <c>{"type": "text"}</c> or <c>{"type": "grammar", "grammar":
/// {"syntax": "lark" | "regex", "definition": "..."}}</c>. Both APIs share it: /inference takes the tool flat with
/// <c>"type": "openai_custom"</c>, /openai/v1 as <c>{"type": "custom", "custom": {...}}</c>. Unknown fields are errors.
/// </summary>
internal static class CustomToolParser
{
    /// <param name="tool">The tool's object.</param>
    /// <param name="path">Its path in the request, for messages (<c>additional_tools[0]</c>, <c>tools[1].custom</c>).</param>
    /// <param name="tagField">A field the object carries besides the tool's own (the /inference <c>type</c> tag).</param>
    public static CustomToolDefinition Parse(JsonElement tool, string path, string? tagField = null)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}`: must be an object with `name`, and optionally `description` and `format`");
        }
        RejectUnknown(tool, path, "name", "description", "format", tagField);
        if (!tool.TryGetProperty("name"u8, out _))
        {
            throw Invalid(JsonFields.MissingField(path, "name"));
        }
        var name = JsonFields.RequiredString(tool, "name"u8, path);
        var description = JsonFields.OptionalString(tool, "description"u8, path);
        var format = tool.TryGetProperty("format"u8, out var formatValue) && formatValue.ValueKind != JsonValueKind.Null
            ? ParseFormat(formatValue, $"{path}.format")
            : null;
        return new CustomToolDefinition(name, description, format);
    }

    private static CustomToolFormat ParseFormat(JsonElement format, string path)
    {
        if (format.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}`: must be {{\"type\": \"text\"}} or {{\"type\": \"grammar\", \"grammar\": {{...}}}}");
        }
        if (!format.TryGetProperty("type"u8, out _))
        {
            throw Invalid(JsonFields.MissingField(path, "type"));
        }
        switch (JsonFields.RequiredString(format, "type"u8, path))
        {
            case "text":
                RejectUnknown(format, path, "type");
                return CustomToolTextFormat.Instance;
            case "grammar":
                RejectUnknown(format, path, "type", "grammar");
                if (!format.TryGetProperty("grammar"u8, out var grammar) || grammar.ValueKind == JsonValueKind.Null)
                {
                    throw Invalid(JsonFields.MissingField(path, "grammar"));
                }
                var grammarPath = $"{path}.grammar";
                if (grammar.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"`{grammarPath}`: must be an object with `syntax` and `definition`");
                }
                RejectUnknown(grammar, grammarPath, "syntax", "definition");
                foreach (var field in new[] { "syntax", "definition" }.Where(f => !grammar.TryGetProperty(f, out _)))
                {
                    throw Invalid(JsonFields.MissingField(grammarPath, field));
                }
                var syntax = JsonFields.RequiredString(grammar, "syntax"u8, grammarPath);
                if (!CustomToolGrammarFormat.Syntaxes.Contains(syntax))
                {
                    throw Invalid($"`{grammarPath}.syntax`: unknown syntax `{syntax}` (expected {string.Join(" or ", CustomToolGrammarFormat.Syntaxes)})");
                }
                return new CustomToolGrammarFormat(syntax, JsonFields.RequiredString(grammar, "definition"u8, grammarPath));
            case var other:
                throw Invalid($"`{path}.type`: unknown format `{other}` (expected text or grammar)");
        }
    }

    private static void RejectUnknown(JsonElement value, string path, params string?[] allowed)
    {
        foreach (var property in value.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            throw Invalid($"`{path}.{property.Name}`: unknown field");
        }
    }

    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
