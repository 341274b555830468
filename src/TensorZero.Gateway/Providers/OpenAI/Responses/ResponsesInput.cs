using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI.Responses;

/// <summary>
/// The conversation as Responses API <c>input</c> items, as TensorZero maps it: the system prompt as a leading
/// <c>system</c> message, one message item per text or file, tool calls and results as <c>function_call</c> /
/// <c>function_call_output</c> items, signed thoughts as <c>reasoning</c> items (their encrypted content and summary),
/// unknown blocks as the item they hold.
/// </summary>
public static class ResponsesInput
{
    /// <param name="overrides"><c>content_type_overrides</c>: the part kind inline files of a MIME type are sent as.</param>
    public static JsonArray Build(ModelRequest request, string displayName, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var items = new JsonArray();
        foreach (var message in request.Messages)
        {
            foreach (var block in message.Content)
            {
                var item = message.Role == Role.User ? UserItem(block, displayName, overrides) : AssistantItem(block, displayName);
                if (item is not null)
                {
                    items.Add(item);
                }
            }
        }
        if (SystemText(request, items) is { } system)
        {
            items.Insert(0, Message("system", "input_text", system));
        }
        return items;
    }

    // TensorZero's rule: JSON mode `on` puts "Respond using JSON." before a system prompt that doesn't mention JSON
    // (when no user text does either), and is the whole system prompt when there is none.
    private static string? SystemText(ModelRequest request, JsonArray items)
    {
        if (request.JsonMode != JsonMode.On)
        {
            return request.System;
        }
        if (request.System is not { } system)
        {
            return OpenAIWire.JsonInstruction;
        }
        var mentioned = system.Contains("json", StringComparison.OrdinalIgnoreCase) || items.OfType<JsonObject>().Any(MentionsJson);
        return mentioned ? system : $"{OpenAIWire.JsonInstruction}\n\n{system}";
    }

    private static bool MentionsJson(JsonObject item) =>
        JsonRead.String(item["type"]) == "message" &&
        item["content"] is JsonArray parts &&
        parts.OfType<JsonObject>().Any(p => JsonRead.String(p["type"]) == "input_text" &&
            JsonRead.String(p["text"])?.Contains("json", StringComparison.OrdinalIgnoreCase) == true);

    private static JsonNode? UserItem(ContentBlock block, string displayName, IReadOnlyDictionary<string, string>? overrides) => block switch
    {
        TextBlock text => Message("user", "input_text", text.Text),
        ToolResultBlock result => new JsonObject { ["type"] = "function_call_output", ["call_id"] = result.Id, ["output"] = result.Result },
        FileBlock file => new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(FilePart(file, displayName, overrides)) },
        UnknownBlock unknown => unknown.DataCopy(),
        // Reasoning only comes from the model: a thought in a user turn is dropped, as TensorZero drops it.
        ThoughtBlock => null,
        ToolCallBlock => throw GatewayError.InvalidRequest($"{displayName} Responses API: tool calls are not supported in user messages"),
        _ => throw new InvalidOperationException($"{block.GetType().Name} is not user content"),
    };

    private static JsonNode? AssistantItem(ContentBlock block, string displayName) => block switch
    {
        TextBlock text => Message("assistant", "output_text", text.Text),
        ToolCallBlock call => new JsonObject
        {
            ["type"] = "function_call",
            ["call_id"] = call.Id,
            ["name"] = call.Name,
            ["arguments"] = call.Arguments,
        },
        // Only a signed thought can go back: its signature is the encrypted reasoning. Unsigned ones are dropped.
        ThoughtBlock { Signature: { } encrypted } thought => new JsonObject
        {
            ["type"] = "reasoning",
            ["encrypted_content"] = encrypted,
            ["summary"] = new JsonArray((thought.Summary ?? [])
                .Select(text => (JsonNode?)new JsonObject { ["type"] = "summary_text", ["text"] = text })
                .ToArray()),
        },
        ThoughtBlock => null,
        UnknownBlock unknown => unknown.DataCopy(),
        ToolResultBlock => throw GatewayError.InvalidRequest($"{displayName} Responses API: tool results are not supported in assistant messages"),
        FileBlock file => throw GatewayError.InvalidRequest(
            $"{displayName} Responses API: files are not supported in assistant messages (file `{file.Describe()}`); send it in a user message"),
        _ => throw new InvalidOperationException($"{block.GetType().Name} is not assistant content"),
    };

    private static JsonObject Message(string role, string partType, string text) => new()
    {
        ["type"] = "message",
        ["role"] = role,
        ["content"] = new JsonArray(new JsonObject { ["type"] = partType, ["text"] = text }),
    };

    // Images go by data URL or by their own URL; other files only inline (`input_file` with `file_data`). Audio has no
    // Responses API input part. `content_type_overrides` may send an inline file as an image or as a file.
    private static JsonObject FilePart(FileBlock file, string displayName, IReadOnlyDictionary<string, string>? overrides)
    {
        var kind = OpenAIContentParts.OverrideFor(file, overrides);
        if (kind == "image_url" || (kind is null && (file.IsImage || (file.Url is not null && file.MimeType is null))))
        {
            var image = new JsonObject { ["type"] = "input_image", ["image_url"] = file.Url?.ToString() ?? file.DataUrl() };
            if (file.Detail is { } detail)
            {
                image["detail"] = detail.ToString().ToLowerInvariant();
            }
            return image;
        }
        if (kind == "input_audio" || (kind is null && file.MimeType?.StartsWith("audio/", StringComparison.Ordinal) == true))
        {
            throw GatewayError.InvalidRequest(
                $"{displayName} Responses API does not take audio input (file `{file.Describe()}`); use `api_type = \"chat_completions\"`");
        }
        if (file.Data is null)
        {
            throw GatewayError.InvalidRequest(
                $"{displayName} needs file `{file.Describe()}` inline: only images can be sent by URL, so send it with `\"file_type\": \"base64\"`");
        }
        return new JsonObject
        {
            ["type"] = "input_file",
            ["file_data"] = file.DataUrl(),
            ["filename"] = file.Filename ?? (FileTypes.Extension(file.MimeType) is { } extension ? $"input.{extension}" : "input"),
        };
    }
}
