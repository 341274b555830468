using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>Bedrock Converse request and response bodies (camelCase, content blocks keyed by kind).</summary>
public static class ConverseWire
{
    /// <summary>The assistant turn TensorZero appends for JSON mode on Claude models; the answer continues after the brace.</summary>
    public const string JsonPrefill = "Here is the JSON requested:\n{";

    public const string RespondToolName = RespondTool.Name;

    /// <summary>
    /// Bedrock has no JSON mode. For a JSON function on a Claude model TensorZero prefills the assistant turn with an
    /// opening brace (and puts it back in front of the answer); other models, and chat functions, get the request as is.
    /// </summary>
    public static bool UsesJsonPrefill(string modelId, ModelRequest request) =>
        request.JsonMode is JsonMode.On or JsonMode.Strict && request.FunctionType == FunctionType.Json
        && modelId.Contains("claude", StringComparison.Ordinal);

    public static JsonObject BuildRequest(string modelId, ModelRequest request)
    {
        var messages = BuildMessages(request);
        if (UsesJsonPrefill(modelId, request))
        {
            messages.Add(new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["text"] = JsonPrefill }),
            });
        }
        var body = new JsonObject { ["messages"] = messages };
        if (request.System is { Length: > 0 } system)
        {
            body["system"] = new JsonArray(new JsonObject { ["text"] = system });
        }
        body["inferenceConfig"] = BuildInferenceConfig(request);
        if (BuildToolConfig(request) is { } toolConfig)
        {
            body["toolConfig"] = toolConfig;
        }
        // Manual thinking reaches the model (Claude) through the model-specific fields, as TensorZero sends it.
        if (request.Params.ThinkingBudgetTokens is { } budget)
        {
            body["additionalModelRequestFields"] = new JsonObject
            {
                ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = budget },
            };
        }
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    public static JsonArray BuildMessages(ModelRequest request)
    {
        var messages = new JsonArray();
        foreach (var message in request.Messages)
        {
            var content = new JsonArray();
            foreach (var block in message.Content)
            {
                if (ContentBlock(block) is { } node)
                {
                    content.Add(node);
                }
            }
            if (content.Count == 0)
            {
                continue;
            }
            messages.Add(new JsonObject { ["role"] = message.Role == Role.User ? "user" : "assistant", ["content"] = content });
        }
        return messages;
    }

    public static ProviderResponse ParseResponse(string rawRequest, string rawResponse, string displayName, bool jsonPrefill)
    {
        // A pooled document, not a node tree: every value is read out before it is disposed.
        using var document = ProviderHttp.ParseDocument(rawResponse, displayName);
        var root = document.RootElement;
        if (JsonRead.Property(JsonRead.Property(root, "output"u8), "message"u8) is not { ValueKind: JsonValueKind.Object } message)
        {
            throw ProviderHttp.MalformedResponse(displayName, "`output.message` is missing");
        }
        var content = new List<ContentBlock>();
        var blocks = JsonRead.Property(message, "content"u8);
        if (blocks.ValueKind == JsonValueKind.Array)
        {
            ReadBlocks(blocks, jsonPrefill, content);
        }
        var finishReason = JsonRead.String(JsonRead.Property(root, "stopReason"u8)) is { } stopReason ? MapStopReason(stopReason) : (FinishReason?)null;
        var usage = JsonRead.Property(root, "usage"u8);
        return new ProviderResponse(content, ParseUsage(usage) ?? Usage.Unknown, finishReason, rawRequest, rawResponse)
        {
            RawUsage = RawUsage.Of(usage),
        };
    }

    private static void ReadBlocks(JsonElement blocks, bool jsonPrefill, List<ContentBlock> content)
    {
        var prefillPending = jsonPrefill;
        foreach (var block in blocks.EnumerateArray())
        {
            // A block that is not an object has none of these members, and is skipped.
            if (JsonRead.String(JsonRead.Property(block, "text"u8)) is { } text)
            {
                content.Add(new TextBlock(prefillPending ? "{" + text : text));
                prefillPending = false;
            }
            else if (JsonRead.Property(block, "toolUse"u8) is { ValueKind: JsonValueKind.Object } toolUse)
            {
                var input = JsonRead.Property(toolUse, "input"u8);
                content.Add(new ToolCallBlock(
                    JsonRead.String(JsonRead.Property(toolUse, "toolUseId"u8)) ?? string.Empty,
                    JsonRead.String(JsonRead.Property(toolUse, "name"u8)) ?? string.Empty,
                    JsonRead.HasValue(input) ? JsonRead.CompactText(input) : "{}"));
            }
            else if (JsonRead.Property(JsonRead.Property(block, "reasoningContent"u8), "reasoningText"u8) is { ValueKind: JsonValueKind.Object } reasoning)
            {
                content.Add(new ThoughtBlock(
                    JsonRead.String(JsonRead.Property(reasoning, "text"u8)),
                    JsonRead.String(JsonRead.Property(reasoning, "signature"u8))));
            }
            // Redacted reasoning and kinds this gateway has no block for (citations, images) are dropped.
        }
    }

    /// <summary>Input tokens include cache reads and writes, as TensorZero counts them.</summary>
    public static Usage? ParseUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var input = JsonRead.Long(JsonRead.Property(usage, "inputTokens"u8));
        if (input is not null)
        {
            input += (JsonRead.Long(JsonRead.Property(usage, "cacheReadInputTokens"u8)) ?? 0)
                + (JsonRead.Long(JsonRead.Property(usage, "cacheWriteInputTokens"u8)) ?? 0);
        }
        return new Usage(input, JsonRead.Long(JsonRead.Property(usage, "outputTokens"u8)));
    }

    public static FinishReason MapStopReason(string stopReason) => stopReason switch
    {
        "end_turn" => FinishReason.Stop,
        "tool_use" => FinishReason.ToolCall,
        "max_tokens" => FinishReason.Length,
        "stop_sequence" => FinishReason.StopSequence,
        "content_filtered" or "guardrail_intervened" => FinishReason.ContentFilter,
        _ => FinishReason.Unknown,
    };

    private static JsonNode? ContentBlock(ContentBlock block) => block switch
    {
        TextBlock text => new JsonObject { ["text"] = text.Text },
        FileBlock file => ConverseFiles.Block(file),
        UnknownBlock unknown => unknown.DataCopy(),
        ToolCallBlock call => new JsonObject
        {
            ["toolUse"] = new JsonObject
            {
                ["toolUseId"] = call.Id,
                ["name"] = call.Name,
                ["input"] = ParseArguments(call),
            },
        },
        ToolResultBlock result => new JsonObject
        {
            ["toolResult"] = new JsonObject
            {
                ["toolUseId"] = result.Id,
                ["content"] = new JsonArray(new JsonObject { ["text"] = result.Result }),
            },
        },
        ThoughtBlock { Text: { } text } thought => new JsonObject
        {
            ["reasoningContent"] = new JsonObject
            {
                ["reasoningText"] = thought.Signature is null
                    ? new JsonObject { ["text"] = text }
                    : new JsonObject { ["text"] = text, ["signature"] = thought.Signature },
            },
        },
        _ => null,
    };

    // Converse takes tool input as a JSON document, not as text.
    private static JsonNode ParseArguments(ToolCallBlock call)
    {
        try
        {
            return JsonNode.Parse(call.Arguments.Length == 0 ? "{}" : call.Arguments) ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw GatewayError.InvalidRequest($"The arguments of tool call `{call.Id}` ({call.Name}) are not valid JSON, which {AwsBedrockProvider.DisplayName} requires");
        }
    }

    private static JsonObject BuildInferenceConfig(ModelRequest request)
    {
        var config = new JsonObject();
        var p = request.Params;
        if (p.MaxTokens is { } maxTokens)
        {
            config["maxTokens"] = maxTokens;
        }
        if (p.Temperature is { } temperature)
        {
            config["temperature"] = temperature;
        }
        if (p.TopP is { } topP)
        {
            config["topP"] = topP;
        }
        if (p.StopSequences is { Count: > 0 } stops)
        {
            config["stopSequences"] = new JsonArray(stops.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        return config;
    }

    private static JsonObject? BuildToolConfig(ModelRequest request)
    {
        var tools = request.Tools ?? [];
        var choice = request.ToolChoice ?? ToolChoice.Auto;
        if (request.JsonMode == JsonMode.Tool && request.OutputSchema is not null)
        {
            tools = [.. tools, RespondTool.For(request.OutputSchema)];
            choice = new ToolChoice(ToolChoiceMode.Specific, RespondToolName);
        }
        if (tools.Count == 0 || choice.Mode == ToolChoiceMode.None)
        {
            return null;
        }
        return new JsonObject
        {
            ["tools"] = new JsonArray(tools.Select(t => (JsonNode?)new JsonObject
            {
                ["toolSpec"] = new JsonObject
                {
                    ["name"] = t.Name,
                    ["description"] = t.Description,
                    ["inputSchema"] = new JsonObject { ["json"] = t.Parameters.DeepClone() },
                },
            }).ToArray()),
            ["toolChoice"] = choice.Mode switch
            {
                ToolChoiceMode.Required => new JsonObject { ["any"] = new JsonObject() },
                ToolChoiceMode.Specific => new JsonObject { ["tool"] = new JsonObject { ["name"] = choice.ToolName } },
                _ => new JsonObject { ["auto"] = new JsonObject() },
            },
        };
    }
}
