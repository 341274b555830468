using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>The body's JSON mode (<c>response_format</c>, <c>guided_json</c>) and tools, as each flavour takes them.</summary>
public static partial class OpenAIWire
{
    // `json_mode = "tool"` is no JSON mode on the wire (the respond tool carries it), as `off` is not.
    private static void WriteJsonMode(Utf8JsonWriter writer, OpenAIFlavour flavour, string? model, ModelRequest request, string displayName)
    {
        if (request.JsonMode is not (JsonMode.On or JsonMode.Strict))
        {
            if (flavour.Json == OpenAIJsonWire.JsonObjectOrSchemaElseText)
            {
                WriteFormat(writer, "text");
            }
            return;
        }
        var schema = request.OutputSchema;
        var gpt35 = flavour.Json == OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35 && model?.Contains("3.5", StringComparison.Ordinal) == true;
        switch (flavour.Json)
        {
            case OpenAIJsonWire.JsonObjectOrSchema or OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35 or OpenAIJsonWire.JsonObjectOrSchemaElseText
                when request.JsonMode == JsonMode.Strict && schema is not null && !gpt35:
                WriteJsonSchemaFormat(writer, schema);
                break;
            case OpenAIJsonWire.JsonObjectOrSchema or OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35 or OpenAIJsonWire.JsonObjectOrSchemaElseText
                or OpenAIJsonWire.JsonObjectOnly:
                WriteFormat(writer, "json_object");
                break;
            case OpenAIJsonWire.JsonObjectWithSchema:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_object");
                if (schema is not null)
                {
                    writer.WritePropertyName("schema"u8);
                    schema.WriteTo(writer);
                }
                writer.WriteEndObject();
                break;
            case OpenAIJsonWire.GuidedJson when schema is not null:
                writer.WritePropertyName("guided_json"u8);
                schema.WriteTo(writer);
                break;
            case OpenAIJsonWire.SchemaRequired:
                WriteJsonSchemaFormat(writer, schema ?? throw GatewayError.InvalidRequest(
                    $"{displayName} needs an output schema for JSON mode; give the function an `output_schema` or use `json_mode = \"off\"`"));
                break;
        }
    }

    private static void WriteFormat(Utf8JsonWriter writer, string type)
    {
        writer.WriteStartObject("response_format"u8);
        writer.WriteString("type"u8, type);
        writer.WriteEndObject();
    }

    private static void WriteJsonSchemaFormat(Utf8JsonWriter writer, JsonObject schema)
    {
        writer.WriteStartObject("response_format"u8);
        writer.WriteString("type"u8, "json_schema");
        writer.WriteStartObject("json_schema"u8);
        writer.WriteString("name"u8, "response");
        writer.WriteBoolean("strict"u8, true);
        writer.WritePropertyName("schema"u8);
        schema.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter writer, OpenAIFlavour flavour, ModelRequest request)
    {
        var tools = request.Tools ?? [];
        var choice = request.ToolChoice;
        if (request.JsonMode == JsonMode.Tool && request.OutputSchema is not null)
        {
            tools = [.. tools, RespondTool.For(request.OutputSchema)];
            choice = new ToolChoice(ToolChoiceMode.Specific, RespondToolName);
        }
        var customTools = request.CustomTools ?? [];
        if ((tools.Count == 0 && customTools.Count == 0) || (flavour.OmitsToolsWhenChoiceNone && choice?.Mode == ToolChoiceMode.None))
        {
            return;
        }
        writer.WriteStartArray("tools"u8);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function");
            writer.WriteStartObject("function"u8);
            JsonWriting.WriteText(writer, "name", tool.Name);
            JsonWriting.WriteText(writer, "description", tool.Description);
            writer.WritePropertyName("parameters"u8);
            tool.Parameters.WriteTo(writer);
            writer.WriteEndObject();
            if (flavour.SendsToolStrict)
            {
                writer.WriteBoolean("strict"u8, tool.Strict);
            }
            writer.WriteEndObject();
        }
        for (var i = 0; i < customTools.Count; i++)
        {
            CustomToolWire.ChatTool(customTools[i]).WriteTo(writer);
        }
        writer.WriteEndArray();
        if (choice is not null)
        {
            writer.WritePropertyName("tool_choice"u8);
            switch (choice.Mode)
            {
                case ToolChoiceMode.None:
                    writer.WriteStringValue("none");
                    break;
                case ToolChoiceMode.Required:
                    writer.WriteStringValue(flavour.RequiredToolChoice);
                    break;
                case ToolChoiceMode.Specific:
                    var kind = CustomToolWire.IsCustom(request, choice.ToolName) ? "custom" : "function";
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, kind);
                    writer.WriteStartObject(kind);
                    JsonWriting.WriteText(writer, "name", choice.ToolName);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                default:
                    writer.WriteStringValue("auto");
                    break;
            }
        }
        if (request.ParallelToolCalls is { } parallel && flavour.SendsParallelToolCalls)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }
}
