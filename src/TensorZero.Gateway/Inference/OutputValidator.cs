using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Checks what a model answered against what the function allows, as TensorZero does: a tool call keeps its name only
/// when the tool is known and its arguments only when they are JSON that passes the tool's schema (a custom tool's call
/// keeps its name and has no parsed arguments); a JSON function's
/// output is parsed only when it is JSON that passes the output schema. Writers of every API take the verdict from here.
/// </summary>
public static class OutputValidator
{
    /// <summary>A tool call as checked: <see cref="Name"/> and <see cref="Arguments"/> are null where the check failed.</summary>
    public readonly record struct CheckedToolCall(string? Name, JsonElement? Arguments);

    /// <summary>A JSON function's output: the raw text the model gave, and its parsed value when it passes the schema.</summary>
    public readonly record struct CheckedJsonOutput(string? Raw, JsonElement? Parsed);

    public static CheckedToolCall ToolCall(ToolCallBlock call, ResponseSchemas schemas)
    {
        // A custom tool's input is free text: the call keeps its name, and has no parsed arguments (as in TensorZero).
        if (schemas.CustomTools.Contains(call.Name))
        {
            return new CheckedToolCall(call.Name, null);
        }
        var known = schemas.Tools.TryGetValue(call.Name, out var schema);
        return new CheckedToolCall(known ? call.Name : null, known ? ParseValid(call.Arguments, schema) : null);
    }

    public static CheckedJsonOutput JsonOutput(IReadOnlyList<ContentBlock> content, ResponseSchemas schemas)
    {
        var raw = content.OfType<TextBlock>().Select(t => t.Text).FirstOrDefault()
            ?? content.OfType<ToolCallBlock>().Select(t => t.Arguments).FirstOrDefault();
        return new CheckedJsonOutput(raw, raw is null ? null : ParseValid(raw, schemas.OutputSchema));
    }

    // The parsed value of `text` when it is JSON and passes `schema` (when there is one); null otherwise.
    private static JsonElement? ParseValid(string text, JsonSchemaDocument? schema)
    {
        try
        {
            using var parsed = JsonDocument.Parse(text);
            return schema is null || schema.IsValid(parsed.RootElement) ? parsed.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
