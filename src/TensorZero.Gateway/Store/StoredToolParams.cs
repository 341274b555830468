using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>
/// A chat inference's <c>tool_params</c> column, and how the read endpoints answer it. The column keeps what
/// TensorZero keeps (its <c>ToolCallConfigDatabaseInsert</c>): the tools the request added, the request's
/// <c>allowed_tools</c>, the tool choice and <c>parallel_tool_calls</c> in force, and every offered tool's name
/// (<c>tools_available</c>, which a demonstration's tool calls are checked against). The read endpoints answer it
/// the way TensorZero's clients parse a stored chat inference: flattened into the inference's object as
/// <c>allowed_tools</c>, <c>additional_tools</c>, <c>tool_choice</c>, <c>parallel_tool_calls</c> and
/// <c>provider_tools</c>.
/// </summary>
internal static class StoredToolParams
{
    /// <summary>The column of an inference that offered no tool: the same text each time.</summary>
    public const string NoTools = """{"tools_available":[]}""";

    public static string Column(InferenceRequest request, ResponseSchemas schemas) =>
        schemas.Tools.Count == 0 && schemas.CustomTools.Count == 0
            ? NoTools
            : RowJson.Write((request, schemas), static (writer, state) => WriteColumn(writer, state.request, state.schemas));

    private static void WriteColumn(Utf8JsonWriter writer, InferenceRequest request, ResponseSchemas schemas)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("tools_available"u8);
        foreach (var name in schemas.Tools.Keys)
        {
            writer.WriteStringValue(name);
        }
        foreach (var name in schemas.CustomTools)
        {
            writer.WriteStringValue(name);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("dynamic_tools"u8);
        foreach (var tool in request.AdditionalTools ?? [])
        {
            WriteFunctionTool(writer, tool);
        }
        foreach (var tool in request.CustomTools ?? [])
        {
            WriteCustomTool(writer, tool);
        }
        writer.WriteEndArray();
        if (request.AllowedTools is { } allowed)
        {
            writer.WriteStartArray("allowed_tools"u8);
            foreach (var name in allowed)
            {
                writer.WriteStringValue(name);
            }
            writer.WriteEndArray();
        }
        writer.WritePropertyName("tool_choice"u8);
        WriteToolChoice(writer, schemas.ToolChoice ?? ToolChoice.Auto);
        if (schemas.ParallelToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
        writer.WriteEndObject();
    }

    // TensorZero's `Tool`: tagged by `type`, `function` or `openai_custom`.
    private static void WriteFunctionTool(Utf8JsonWriter writer, ToolDefinition tool)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "function");
        writer.WriteString("name"u8, tool.Name);
        writer.WriteString("description"u8, tool.Description);
        writer.WritePropertyName("parameters"u8);
        tool.Parameters.WriteTo(writer);
        writer.WriteBoolean("strict"u8, tool.Strict);
        writer.WriteEndObject();
    }

    private static void WriteCustomTool(Utf8JsonWriter writer, CustomToolDefinition tool)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "openai_custom");
        writer.WriteString("name"u8, tool.Name);
        if (tool.Description is { } description)
        {
            writer.WriteString("description"u8, description);
        }
        switch (tool.Format)
        {
            case CustomToolTextFormat:
                writer.WriteStartObject("format"u8);
                writer.WriteString("type"u8, "text");
                writer.WriteEndObject();
                break;
            case CustomToolGrammarFormat grammar:
                writer.WriteStartObject("format"u8);
                writer.WriteString("type"u8, "grammar");
                writer.WriteStartObject("grammar"u8);
                writer.WriteString("syntax"u8, grammar.Syntax);
                writer.WriteString("definition"u8, grammar.Definition);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
        writer.WriteEndObject();
    }

    // TensorZero's `ToolChoice`: `"auto"`, `"none"`, `"required"` or `{"specific": name}`.
    private static void WriteToolChoice(Utf8JsonWriter writer, ToolChoice choice)
    {
        switch (choice.Mode)
        {
            case ToolChoiceMode.Specific:
                writer.WriteStartObject();
                writer.WriteString("specific"u8, choice.ToolName);
                writer.WriteEndObject();
                break;
            case ToolChoiceMode.None:
                writer.WriteStringValue("none"u8);
                break;
            case ToolChoiceMode.Required:
                writer.WriteStringValue("required"u8);
                break;
            default:
                writer.WriteStringValue("auto"u8);
                break;
        }
    }

    /// <summary>
    /// Writes a stored column's fields into the inference object being answered, as TensorZero flattens its
    /// <c>DynamicToolParams</c>: <c>allowed_tools</c> only when the request chose them, <c>additional_tools</c> only
    /// when it added any, <c>tool_choice</c> when tools were offered, <c>parallel_tool_calls</c> when set, and
    /// <c>provider_tools</c> always (this gateway keeps none). A column from before these fields were kept, or one
    /// that can't be read, answers <c>provider_tools</c> only: nothing is made up.
    /// </summary>
    public static void WriteAsRead(Utf8JsonWriter writer, string column)
    {
        try
        {
            using var document = JsonDocument.Parse(column);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("allowed_tools"u8, out var allowed) && allowed.ValueKind == JsonValueKind.Array)
                {
                    writer.WritePropertyName("allowed_tools"u8);
                    allowed.WriteTo(writer);
                }
                if (root.TryGetProperty("dynamic_tools"u8, out var dynamic) && dynamic.ValueKind == JsonValueKind.Array && dynamic.GetArrayLength() > 0)
                {
                    writer.WritePropertyName("additional_tools"u8);
                    dynamic.WriteTo(writer);
                }
                if (root.TryGetProperty("tool_choice"u8, out var choice) && choice.ValueKind is JsonValueKind.String or JsonValueKind.Object)
                {
                    writer.WritePropertyName("tool_choice"u8);
                    choice.WriteTo(writer);
                }
                if (root.TryGetProperty("parallel_tool_calls"u8, out var parallel) && parallel.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    writer.WriteBoolean("parallel_tool_calls"u8, parallel.GetBoolean());
                }
            }
        }
        catch (JsonException)
        {
            // An unreadable column adds nothing.
        }
        writer.WriteStartArray("provider_tools"u8);
        writer.WriteEndArray();
    }
}
