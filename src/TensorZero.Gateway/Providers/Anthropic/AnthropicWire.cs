using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.Anthropic;

/// <summary>Anthropic Messages request and response bodies, shared by every host of the Messages API.</summary>
public static class AnthropicWire
{
    /// <summary>The assistant turn appended in JSON mode; the model continues after the opening brace.</summary>
    public const string JsonPrefill = "Here is the JSON requested:\n{";

    /// <summary>Sent as a user turn where Anthropic requires one (first turn, or after a trailing assistant turn).</summary>
    public const string ListeningText = "[listening]";

    public const string RespondToolName = RespondTool.Name;

    /// <summary>
    /// Anthropic's API takes <c>reasoning_effort</c> (adaptive thinking), <c>thinking_budget_tokens</c> (manual thinking)
    /// and the <c>auto</c>, <c>priority</c> and <c>default</c> tiers; not <c>verbosity</c>.
    /// </summary>
    public static readonly InferenceParamSupport ParamSupport = new("Anthropic", true, ["auto", "priority", "default"], true, false);

    /// <summary>Builds the request body. Variant-level <c>extra_body</c> is applied; the provider applies its own after.</summary>
    public static JsonObject BuildRequest(ModelRequest request, AnthropicWireOptions options, bool stream)
    {
        var body = new JsonObject();
        if (options.AnthropicVersion is { } version)
        {
            body["anthropic_version"] = version;
        }
        if (options.SendModel)
        {
            body["model"] = options.ModelName;
        }
        body["max_tokens"] = request.Params.MaxTokens ?? AnthropicMaxTokens.DefaultFor(options.ModelName);
        body["stream"] = stream;
        if (request.System is { } system)
        {
            body["system"] = new JsonArray(TextBlock(system));
        }
        body["messages"] = BuildMessages(request, UsesJsonPrefill(request, options));
        var p = request.Params;
        if (p.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }
        if (p.TopP is { } topP)
        {
            body["top_p"] = topP;
        }
        if (p.StopSequences is { Count: > 0 } stops)
        {
            body["stop_sequences"] = new JsonArray(stops.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        AddTools(body, request, options);
        if (options.NativeJsonMode && request.JsonMode == JsonMode.Strict && request.OutputSchema is { } schema)
        {
            body["output_config"] = new JsonObject
            {
                ["format"] = new JsonObject { ["type"] = "json_schema", ["schema"] = schema.DeepClone() },
            };
        }
        AddThinking(body, p, options);
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    // `reasoning_effort` asks for adaptive thinking at that effort, `thinking_budget_tokens` for manual thinking with
    // that budget; both at once is a request error, as in TensorZero. Tiers map to Anthropic's names.
    private static void AddThinking(JsonObject body, InferenceParams p, AnthropicWireOptions options)
    {
        if (p.ReasoningEffort is not null && p.ThinkingBudgetTokens is not null)
        {
            throw GatewayError.InvalidRequest(
                $"Cannot specify both `reasoning_effort` and `thinking_budget_tokens` for {options.HostName}. Use `reasoning_effort` " +
                "for adaptive thinking or `thinking_budget_tokens` for manual thinking.");
        }
        if (p.ReasoningEffort is { } effort)
        {
            body["thinking"] = new JsonObject { ["type"] = "adaptive" };
            if (body["output_config"] is JsonObject config)
            {
                config["effort"] = effort;
            }
            else
            {
                body["output_config"] = new JsonObject { ["effort"] = effort };
            }
        }
        if (p.ThinkingBudgetTokens is { } budget)
        {
            body["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = budget };
        }
        if (options.SendsServiceTier && p.ServiceTier is { } tier && tier != "flex")
        {
            body["service_tier"] = tier == "default" ? "standard_only" : "auto";
        }
    }

    /// <summary>
    /// Whether the request ends with the JSON prefill, so the answer lacks its opening brace: a JSON function in JSON mode
    /// <c>on</c>, as TensorZero does (<c>strict</c> sends the schema as <c>output_config.format</c>, or nothing without
    /// one; a chat function asking for JSON gets no prefill).
    /// </summary>
    public static bool UsesJsonPrefill(ModelRequest request, AnthropicWireOptions options) =>
        options.NativeJsonMode && request.JsonMode == JsonMode.On && request.FunctionType == FunctionType.Json;

    public static JsonArray BuildMessages(ModelRequest request, bool jsonPrefill)
    {
        if (request.Messages.Count == 0)
        {
            throw GatewayError.InvalidRequest("Anthropic requires at least one message");
        }
        var messages = new List<JsonObject>();
        foreach (var message in request.Messages)
        {
            var content = new JsonArray();
            foreach (var block in message.Content)
            {
                if (ContentBlockJson(block) is { } json)
                {
                    content.Add(json);
                }
            }
            if (content.Count > 0)
            {
                messages.Add(new JsonObject { ["role"] = message.Role == Role.User ? "user" : "assistant", ["content"] = content });
            }
        }
        // Anthropic wants a user turn first, and would continue a trailing assistant turn instead of answering it.
        if (messages.Count == 0 || (string?)messages[0]["role"] != "user")
        {
            messages.Insert(0, ListeningMessage());
        }
        if ((string?)messages[^1]["role"] == "assistant")
        {
            messages.Add(ListeningMessage());
        }
        if (jsonPrefill)
        {
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(TextBlock(JsonPrefill)) });
        }
        return new JsonArray(messages.Select(m => (JsonNode?)m).ToArray());
    }

    public static ProviderResponse ParseResponse(string rawRequest, string rawResponse, string displayName, bool jsonPrefill)
    {
        // A pooled document, not a node tree: every value is read out before it is disposed.
        using var document = ProviderHttp.ParseDocument(rawResponse, displayName);
        var root = document.RootElement;
        if (JsonRead.Property(root, "content"u8) is not { ValueKind: JsonValueKind.Array } blocks)
        {
            throw ProviderHttp.MalformedResponse(displayName, "the response has no `content` array");
        }
        var content = new List<ContentBlock>();
        foreach (var block in blocks.EnumerateArray())
        {
            // A block that is not an object has no `type`, and is skipped.
            switch (JsonRead.String(JsonRead.Property(block, "type"u8)))
            {
                case "text":
                    content.Add(new TextBlock(JsonRead.String(JsonRead.Property(block, "text"u8)) ?? string.Empty));
                    break;
                case "tool_use":
                    var input = JsonRead.Property(block, "input"u8);
                    content.Add(new ToolCallBlock(
                        JsonRead.String(JsonRead.Property(block, "id"u8)) ?? string.Empty,
                        JsonRead.String(JsonRead.Property(block, "name"u8)) ?? string.Empty,
                        JsonRead.HasValue(input) ? JsonRead.CompactText(input) : "{}"));
                    break;
                case "thinking":
                    content.Add(new ThoughtBlock(
                        JsonRead.String(JsonRead.Property(block, "thinking"u8)),
                        JsonRead.String(JsonRead.Property(block, "signature"u8))));
                    break;
                case "redacted_thinking":
                    content.Add(new ThoughtBlock(null, JsonRead.String(JsonRead.Property(block, "data"u8))));
                    break;
                default:
                    // Server-tool blocks (`server_tool_use`, `web_search_tool_result`) have no provider-neutral form yet.
                    break;
            }
        }
        // The prefill ended with `{`, so the answer continues after it; put the brace back on a lone text answer.
        if (jsonPrefill && content is [TextBlock only])
        {
            content[0] = new TextBlock("{" + only.Text.Trim());
        }
        var finishReason = JsonRead.String(JsonRead.Property(root, "stop_reason"u8)) is { Length: > 0 } reason ? MapFinishReason(reason) : (FinishReason?)null;
        var usage = JsonRead.Property(root, "usage"u8);
        return new ProviderResponse(content, ParseUsage(usage) ?? Usage.Unknown, finishReason, rawRequest, rawResponse)
        {
            RawUsage = RawUsage.Of(usage),
        };
    }

    /// <summary>Input tokens include cache writes and reads, as TensorZero counts them.</summary>
    public static Usage? ParseUsage(JsonElement usage) =>
        usage.ValueKind == JsonValueKind.Object
            ? new Usage(InputTokens(usage), JsonRead.Long(JsonRead.Property(usage, "output_tokens"u8)))
            : null;

    /// <summary><c>input_tokens + cache_creation_input_tokens + cache_read_input_tokens</c>; null without <c>input_tokens</c>.</summary>
    public static long? InputTokens(JsonElement usage) =>
        JsonRead.Long(JsonRead.Property(usage, "input_tokens"u8)) is { } input
            ? input
                + (JsonRead.Long(JsonRead.Property(usage, "cache_creation_input_tokens"u8)) ?? 0)
                + (JsonRead.Long(JsonRead.Property(usage, "cache_read_input_tokens"u8)) ?? 0)
            : null;

    public static FinishReason MapFinishReason(string reason) => reason switch
    {
        "end_turn" => FinishReason.Stop,
        "max_tokens" => FinishReason.Length,
        "stop_sequence" => FinishReason.StopSequence,
        "tool_use" => FinishReason.ToolCall,
        _ => FinishReason.Unknown,
    };

    private static JsonNode? ContentBlockJson(ContentBlock block) => block switch
    {
        TextBlock text => TextBlock(text.Text),
        FileBlock file => FileBlockJson(file),
        UnknownBlock unknown => unknown.DataCopy(),
        ToolCallBlock call => new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = call.Id,
            ["name"] = call.Name,
            ["input"] = ToolInput(call),
        },
        ToolResultBlock result => new JsonObject
        {
            ["type"] = "tool_result",
            ["tool_use_id"] = result.Id,
            ["content"] = new JsonArray(TextBlock(result.Result)),
        },
        ThoughtBlock { Text: { } thinking } thought => new JsonObject
        {
            ["type"] = "thinking",
            ["thinking"] = thinking,
            ["signature"] = thought.Signature,
        },
        ThoughtBlock { Signature: { } signature } => new JsonObject { ["type"] = "redacted_thinking", ["data"] = signature },
        _ => null,
    };

    // Images (by URL too, when their type is unknown: Anthropic reads it) and PDFs, as `image` and `document` blocks.
    private static JsonObject FileBlockJson(FileBlock file)
    {
        var type = file.MimeType switch
        {
            FileTypes.Png or FileTypes.Jpeg or FileTypes.Gif or FileTypes.Webp => "image",
            null when file.Url is not null => "image",
            FileTypes.Pdf => "document",
            _ => throw GatewayError.InvalidRequest(
                $"Anthropic does not accept files of type `{file.MimeType}` (file `{file.Describe()}`); it takes png, jpeg, gif and webp images and PDF documents"),
        };
        var source = file.Url is { } url
            ? new JsonObject { ["type"] = "url", ["url"] = url.ToString() }
            : new JsonObject { ["type"] = "base64", ["media_type"] = file.MimeType, ["data"] = file.Data };
        return new JsonObject { ["type"] = type, ["source"] = source };
    }

    // Anthropic takes a tool call's input as a JSON object, not as the text the model produced.
    private static JsonObject ToolInput(ToolCallBlock call)
    {
        if (string.IsNullOrWhiteSpace(call.Arguments))
        {
            return new JsonObject();
        }
        try
        {
            return JsonNode.Parse(call.Arguments) as JsonObject
                ?? throw GatewayError.InvalidRequest($"The arguments of tool call `{call.Id}` must be a JSON object for Anthropic");
        }
        catch (System.Text.Json.JsonException)
        {
            throw GatewayError.InvalidRequest($"The arguments of tool call `{call.Id}` are not valid JSON");
        }
    }

    private static void AddTools(JsonObject body, ModelRequest request, AnthropicWireOptions options)
    {
        var jsonTool = request.JsonMode == JsonMode.Tool && request.OutputSchema is not null;
        var choice = jsonTool ? new ToolChoice(ToolChoiceMode.Specific, RespondToolName) : request.ToolChoice ?? ToolChoice.Auto;
        // Anthropic has no `none` choice: offering no tools has the same effect.
        if (choice.Mode == ToolChoiceMode.None)
        {
            return;
        }
        var definitions = request.Tools ?? [];
        if (jsonTool)
        {
            definitions = [.. definitions, RespondTool.For(request.OutputSchema!)];
        }
        var tools = new JsonArray();
        foreach (var tool in definitions)
        {
            var json = new JsonObject
            {
                ["name"] = tool.Name,
                ["description"] = tool.Description,
                ["input_schema"] = tool.Parameters.DeepClone(),
            };
            if (options.StrictTools)
            {
                json["strict"] = tool.Strict;
            }
            tools.Add(json);
        }
        foreach (var providerTool in options.ProviderTools ?? [])
        {
            tools.Add(providerTool?.DeepClone());
        }
        foreach (var providerTool in request.InferenceProviderTools)
        {
            tools.Add(providerTool.DeepClone());
        }
        if (tools.Count == 0)
        {
            return;
        }
        body["tools"] = tools;
        var toolChoice = new JsonObject
        {
            ["type"] = choice.Mode switch
            {
                ToolChoiceMode.Required => "any",
                ToolChoiceMode.Specific => "tool",
                _ => "auto",
            },
        };
        if (choice.Mode == ToolChoiceMode.Specific)
        {
            toolChoice["name"] = choice.ToolName;
        }
        toolChoice["disable_parallel_tool_use"] = request.ParallelToolCalls == false;
        body["tool_choice"] = toolChoice;
    }

    private static JsonObject ListeningMessage() =>
        new() { ["role"] = "user", ["content"] = new JsonArray(TextBlock(ListeningText)) };

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };
}
