using System.Text.Json.Nodes;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>OpenAI chat-completions request and response bodies.</summary>
public static class OpenAIWire
{
    public const string JsonInstruction = "Respond using JSON.";

    public static JsonObject BuildRequest(string model, ModelRequest request, bool stream, bool includeStreamUsage)
    {
        var body = new JsonObject { ["model"] = model, ["messages"] = BuildMessages(request) };
        var p = request.Params;
        AddIfSet(body, "temperature", p.Temperature);
        AddIfSet(body, "top_p", p.TopP);
        AddIfSet(body, "presence_penalty", p.PresencePenalty);
        AddIfSet(body, "frequency_penalty", p.FrequencyPenalty);
        if (p.MaxTokens is { } maxTokens)
        {
            body["max_completion_tokens"] = maxTokens;
        }
        if (p.Seed is { } seed)
        {
            body["seed"] = seed;
        }
        if (p.StopSequences is { Count: > 0 } stops)
        {
            body["stop"] = new JsonArray(stops.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        body["stream"] = stream;
        if (stream && includeStreamUsage)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        AddResponseFormat(body, request);
        AddTools(body, request);
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    public static JsonArray BuildMessages(ModelRequest request)
    {
        var messages = new JsonArray();
        var system = request.System;
        if (request.JsonMode == JsonMode.On && !MentionsJson(request))
        {
            system = system is null ? JsonInstruction : $"{JsonInstruction}\n\n{system}";
        }
        if (system is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }
        foreach (var message in request.Messages)
        {
            if (message.Role == Role.User)
            {
                // Tool results travel as separate `tool` messages, ahead of the rest of the user turn.
                foreach (var result in message.Content.OfType<ToolResultBlock>())
                {
                    messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.Id, ["content"] = result.Result });
                }
                var parts = message.Content.Where(c => c is TextBlock).ToList();
                if (parts.Count > 0)
                {
                    messages.Add(new JsonObject { ["role"] = "user", ["content"] = Content(parts) });
                }
                continue;
            }
            var texts = message.Content.Where(c => c is TextBlock).ToList();
            var calls = message.Content.OfType<ToolCallBlock>().ToList();
            if (texts.Count == 0 && calls.Count == 0)
            {
                continue;
            }
            var assistant = new JsonObject { ["role"] = "assistant", ["content"] = texts.Count == 0 ? null : Content(texts) };
            if (calls.Count > 0)
            {
                assistant["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode?)new JsonObject
                {
                    ["id"] = c.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
                }).ToArray());
            }
            messages.Add(assistant);
        }
        return messages;
    }

    public static ProviderResponse ParseResponse(string rawRequest, string rawResponse, string displayName)
    {
        var root = ProviderHttp.ParseObject(rawResponse, displayName);
        if (root["choices"] is not JsonArray { Count: 1 } choices || choices[0] is not JsonObject choice)
        {
            throw ProviderHttp.MalformedResponse(displayName, "expected exactly one choice");
        }
        var content = new List<ContentBlock>();
        if (choice["message"] is JsonObject message)
        {
            if ((ReadString(message["reasoning"]) ?? ReadString(message["reasoning_content"])) is { Length: > 0 } reasoning)
            {
                content.Add(new ThoughtBlock(reasoning));
            }
            if (ReadString(message["content"]) is { } text)
            {
                content.Add(new TextBlock(text));
            }
            if (message["tool_calls"] is JsonArray toolCalls)
            {
                foreach (var call in toolCalls.OfType<JsonObject>())
                {
                    var function = call["function"] as JsonObject;
                    content.Add(new ToolCallBlock(
                        ReadString(call["id"]) ?? string.Empty,
                        ReadString(function?["name"]) ?? string.Empty,
                        ArgumentsText(function?["arguments"])));
                }
            }
        }
        var finishReason = ReadString(choice["finish_reason"]) is { Length: > 0 } reasonText ? MapFinishReason(reasonText) : (FinishReason?)null;
        return new ProviderResponse(content, ParseUsage(root["usage"]) ?? Usage.Unknown, finishReason, rawRequest, rawResponse);
    }

    public static Usage? ParseUsage(JsonNode? node) =>
        node is JsonObject usage ? new Usage(ReadLong(usage["prompt_tokens"]), ReadLong(usage["completion_tokens"])) : null;

    public static FinishReason MapFinishReason(string reason) => reason switch
    {
        "stop" => FinishReason.Stop,
        "length" => FinishReason.Length,
        "content_filter" => FinishReason.ContentFilter,
        "tool_calls" or "function_call" => FinishReason.ToolCall,
        _ => FinishReason.Unknown,
    };

    public static string? ReadString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static long? ReadLong(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    // Some servers (TGI) send arguments as a JSON object instead of a string.
    public static string ArgumentsText(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    private static void AddResponseFormat(JsonObject body, ModelRequest request)
    {
        switch (request.JsonMode)
        {
            case JsonMode.On:
                body["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
            case JsonMode.Strict when request.OutputSchema is not null:
                body["response_format"] = new JsonObject
                {
                    ["type"] = "json_schema",
                    ["json_schema"] = new JsonObject { ["name"] = "response", ["strict"] = true, ["schema"] = request.OutputSchema.DeepClone() },
                };
                break;
            case JsonMode.Strict:
                body["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
        }
    }

    private static void AddTools(JsonObject body, ModelRequest request)
    {
        var tools = request.Tools ?? [];
        if (request.JsonMode == JsonMode.Tool && request.OutputSchema is not null)
        {
            tools = [.. tools, new ToolDefinition("respond", "Respond to the user using the output schema.", request.OutputSchema, Strict: false)];
        }
        if (tools.Count == 0)
        {
            return;
        }
        body["tools"] = new JsonArray(tools.Select(t => (JsonNode?)new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = t.Name,
                ["description"] = t.Description,
                ["parameters"] = t.Parameters.DeepClone(),
            },
            ["strict"] = t.Strict,
        }).ToArray());
        var choice = request.JsonMode == JsonMode.Tool && request.OutputSchema is not null
            ? new ToolChoice(ToolChoiceMode.Specific, "respond")
            : request.ToolChoice;
        if (choice is not null)
        {
            body["tool_choice"] = choice.Mode switch
            {
                ToolChoiceMode.None => "none",
                ToolChoiceMode.Required => "required",
                ToolChoiceMode.Specific => new JsonObject
                {
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = choice.ToolName },
                },
                _ => "auto",
            };
        }
        if (request.ParallelToolCalls is { } parallel)
        {
            body["parallel_tool_calls"] = parallel;
        }
    }

    private static bool MentionsJson(ModelRequest request) =>
        (request.System?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false) ||
        request.Messages.SelectMany(m => m.Content).OfType<TextBlock>().Any(t => t.Text.Contains("json", StringComparison.OrdinalIgnoreCase));

    // One text part is sent as a plain string, several as an array of typed parts.
    private static JsonNode Content(List<ContentBlock> content)
    {
        if (content.Count == 1 && content[0] is TextBlock only)
        {
            return JsonValue.Create(only.Text);
        }
        var parts = new JsonArray();
        foreach (var text in content.OfType<TextBlock>())
        {
            parts.Add(new JsonObject { ["type"] = "text", ["text"] = text.Text });
        }
        return parts;
    }

    private static void AddIfSet(JsonObject body, string name, double? value)
    {
        if (value is { } number)
        {
            body[name] = number;
        }
    }
}

/// <summary>
/// Maps OpenAI-style stream chunks to provider-neutral chunks. Tool-call deltas that carry only an <c>index</c> are
/// matched to the id first seen at that index.
/// </summary>
public sealed class OpenAIStreamParser(string displayName, Secret? secret)
{
    private readonly List<string> _toolCallIds = [];

    public ProviderStreamChunk? Parse(string data)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(data) as JsonObject ?? throw ProviderHttp.StreamError(displayName, "a chunk is not a JSON object", secret);
        }
        catch (System.Text.Json.JsonException)
        {
            throw ProviderHttp.StreamError(displayName, "a chunk is not valid JSON", secret);
        }
        if (root["error"] is { } error)
        {
            throw ProviderHttp.StreamError(displayName, error.ToJsonString(), secret);
        }
        var usage = OpenAIWire.ParseUsage(root["usage"]);
        var deltas = new List<ContentDelta>();
        FinishReason? finish = null;
        if (root["choices"] is JsonArray { Count: > 1 })
        {
            throw ProviderHttp.StreamError(displayName, "a chunk has more than one choice", secret);
        }
        if (root["choices"] is JsonArray { Count: 1 } choices && choices[0] is JsonObject choice)
        {
            if (OpenAIWire.ReadString(choice["finish_reason"]) is { Length: > 0 } reason)
            {
                finish = OpenAIWire.MapFinishReason(reason);
            }
            if (choice["delta"] is JsonObject delta)
            {
                if ((OpenAIWire.ReadString(delta["reasoning"]) ?? OpenAIWire.ReadString(delta["reasoning_content"])) is { Length: > 0 } thought)
                {
                    deltas.Add(new ThoughtDelta("0", thought));
                }
                if (OpenAIWire.ReadString(delta["content"]) is { Length: > 0 } text)
                {
                    deltas.Add(new TextDelta("0", text));
                }
                // TGI sends one tool-call object instead of an array.
                IEnumerable<JsonObject> calls = delta["tool_calls"] switch
                {
                    JsonArray array => array.OfType<JsonObject>(),
                    JsonObject single => [single],
                    _ => [],
                };
                foreach (var call in calls)
                {
                    deltas.Add(ToolCall(call));
                }
            }
        }
        if (deltas.Count == 0 && usage is null && finish is null)
        {
            return null;
        }
        return new ProviderStreamChunk(deltas, usage, finish, data);
    }

    private ToolCallDelta ToolCall(JsonObject call)
    {
        var function = call["function"] as JsonObject;
        var id = OpenAIWire.ReadString(call["id"]);
        var index = OpenAIWire.ReadLong(call["index"]);
        if (id is not null)
        {
            if (!_toolCallIds.Contains(id))
            {
                _toolCallIds.Add(id);
            }
        }
        else if (index is { } i && i >= 0 && i < _toolCallIds.Count)
        {
            id = _toolCallIds[(int)i];
        }
        else
        {
            id = _toolCallIds.LastOrDefault() ?? throw ProviderHttp.StreamError(displayName, "a tool call delta has no id", secret);
        }
        return new ToolCallDelta(id, OpenAIWire.ReadString(function?["name"]), OpenAIWire.ArgumentsText(function?["arguments"]));
    }
}
