using TensorZero.Gateway.Inference;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.Gemini;

/// <summary>
/// Gemini <c>generateContent</c> request and response bodies. Google AI Studio and Vertex AI take the same body; only
/// the URL and the auth header differ, so both providers share this mapping.
/// </summary>
public static class GeminiWire
{
    /// <summary>The tool a <see cref="JsonMode.Tool"/> request is forced to call with its output.</summary>
    public const string RespondToolName = RespondTool.Name;

    public const string JsonMimeType = "application/json";

    /// <summary>Builds the body: <c>contents</c>, <c>systemInstruction</c>, <c>tools</c>, <c>toolConfig</c>, <c>generationConfig</c>, then the request's <c>extra_body</c>.</summary>
    public static JsonObject BuildRequest(ModelRequest request)
    {
        var body = new JsonObject { ["contents"] = BuildContents(request.Messages) };
        if (request.System is { } system)
        {
            body["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = system }) };
        }
        AddTools(body, request);
        body["generationConfig"] = BuildGenerationConfig(request);
        JsonPointer.Apply(body, request.ExtraBody);
        return body;
    }

    /// <summary>Messages as <c>contents</c>: assistant turns get the role <c>model</c>; empty turns are dropped.</summary>
    public static JsonArray BuildContents(IReadOnlyList<RequestMessage> messages)
    {
        var contents = new JsonArray();
        foreach (var message in messages)
        {
            var parts = BuildParts(message.Content);
            if (parts.Count > 0)
            {
                contents.Add(new JsonObject { ["role"] = message.Role == Role.User ? "user" : "model", ["parts"] = parts });
            }
        }
        return contents;
    }

    public static ProviderResponse ParseResponse(string rawRequest, string rawResponse, string displayName)
    {
        // A pooled document, not a node tree: every value is read out before it is disposed.
        using var document = ProviderHttp.ParseDocument(rawResponse, displayName);
        var root = document.RootElement;
        var candidate = FirstCandidate(root);
        if (candidate.ValueKind != JsonValueKind.Object)
        {
            throw ProviderHttp.MalformedResponse(displayName, NoCandidateProblem(root));
        }
        var content = new List<ContentBlock>();
        foreach (var part in Parts(candidate))
        {
            var signature = JsonRead.String(JsonRead.Property(part, "thoughtSignature"u8));
            if (IsThought(part))
            {
                content.Add(new ThoughtBlock(JsonRead.String(JsonRead.Property(part, "text"u8)), signature));
                continue;
            }
            if (signature is not null)
            {
                // Gemini signs the part that follows its reasoning; the signature must go back on the same kind of part.
                content.Add(new ThoughtBlock(null, signature));
            }
            if (JsonRead.String(JsonRead.Property(part, "text"u8)) is { } text)
            {
                content.Add(new TextBlock(text));
            }
            else if (JsonRead.Property(part, "functionCall"u8) is { ValueKind: JsonValueKind.Object } call)
            {
                content.Add(new ToolCallBlock(
                    UuidV7.New(DateTimeOffset.UtcNow).ToString(),
                    JsonRead.String(JsonRead.Property(call, "name"u8)) ?? string.Empty,
                    ArgumentsText(JsonRead.Property(call, "args"u8))));
            }
        }
        var finishReason = JsonRead.String(JsonRead.Property(candidate, "finishReason"u8)) is { Length: > 0 } reason ? MapFinishReason(reason) : (FinishReason?)null;
        var usage = JsonRead.Property(root, "usageMetadata"u8);
        return new ProviderResponse(content, ParseUsage(usage) ?? Usage.Unknown, finishReason, rawRequest, rawResponse)
        {
            RawUsage = RawUsage.Of(usage),
        };
    }

    /// <summary><c>usageMetadata</c>: input is the prompt; output counts the answer and the model's thoughts. Null when it has no counts.</summary>
    public static Usage? ParseUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var input = JsonRead.Long(JsonRead.Property(usage, "promptTokenCount"u8));
        var candidates = JsonRead.Long(JsonRead.Property(usage, "candidatesTokenCount"u8));
        var thoughts = JsonRead.Long(JsonRead.Property(usage, "thoughtsTokenCount"u8));
        long? output = candidates is null && thoughts is null ? null : (candidates ?? 0) + (thoughts ?? 0);
        return input is null && output is null ? null : new Usage(input, output);
    }

    public static FinishReason MapFinishReason(string reason) => reason switch
    {
        "STOP" => FinishReason.Stop,
        "MAX_TOKENS" => FinishReason.Length,
        "SAFETY" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" => FinishReason.ContentFilter,
        // TensorZero reports these as tool calls; kept for compatibility.
        "RECITATION" or "MALFORMED_FUNCTION_CALL" => FinishReason.ToolCall,
        _ => FinishReason.Unknown,
    };

    /// <summary>The first candidate (an undefined element when there is none); TensorZero never asks for more than one.</summary>
    public static JsonElement FirstCandidate(JsonElement root) =>
        JsonRead.Property(root, "candidates"u8) is { ValueKind: JsonValueKind.Array } candidates && candidates.GetArrayLength() > 0
            ? candidates[0]
            : default;

    /// <summary>The candidate's parts that are objects.</summary>
    public static IEnumerable<JsonElement> Parts(JsonElement candidate) =>
        JsonRead.Property(JsonRead.Property(candidate, "content"u8), "parts"u8) is { ValueKind: JsonValueKind.Array } parts
            ? parts.EnumerateArray().Where(part => part.ValueKind == JsonValueKind.Object)
            : [];

    public static bool IsThought(JsonElement part) => JsonRead.Property(part, "thought"u8).ValueKind == JsonValueKind.True;

    /// <summary>Why a response has no candidate, with Google's block reason when it gave one.</summary>
    public static string NoCandidateProblem(JsonElement root) =>
        JsonRead.String(BlockReason(root)) is { } blockReason
            ? $"no candidates (prompt blocked: {blockReason})"
            : "expected at least one candidate";

    /// <summary>The prompt's <c>promptFeedback.blockReason</c>; undefined when Google gave none.</summary>
    public static JsonElement BlockReason(JsonElement root) => JsonRead.Property(JsonRead.Property(root, "promptFeedback"u8), "blockReason"u8);

    /// <summary>Gemini sends arguments as a JSON object; the gateway keeps them as JSON text.</summary>
    public static string ArgumentsText(JsonElement args) => JsonRead.HasValue(args) ? JsonRead.CompactText(args) : "{}";

    private static JsonArray BuildParts(IReadOnlyList<ContentBlock> content)
    {
        var parts = new JsonArray();
        string? pendingSignature = null;
        foreach (var block in content)
        {
            JsonObject? part = block switch
            {
                TextBlock text => new JsonObject { ["text"] = text.Text },
                ToolCallBlock call => new JsonObject
                {
                    ["functionCall"] = new JsonObject { ["name"] = call.Name, ["args"] = ParseArguments(call) },
                },
                ToolResultBlock result => new JsonObject
                {
                    ["functionResponse"] = new JsonObject
                    {
                        ["name"] = result.Name,
                        ["response"] = new JsonObject { ["name"] = result.Name, ["content"] = result.Result },
                    },
                },
                ThoughtBlock { Text: { } thought } signed => Thought(thought, signed.Signature),
                FileBlock file => FilePart(file),
                UnknownBlock unknown => unknown.DataCopy() as JsonObject
                    ?? throw GatewayError.InvalidRequest("Gemini parts are JSON objects: the `data` of an `unknown` content block must be an object"),
                _ => null,
            };
            if (block is ThoughtBlock { Text: null, Signature: { } signature })
            {
                pendingSignature = signature;
                continue;
            }
            if (part is null)
            {
                continue;
            }
            if (pendingSignature is not null)
            {
                part["thoughtSignature"] = pendingSignature;
                pendingSignature = null;
            }
            parts.Add(part);
        }
        return parts;
    }

    // Inline bytes as `inlineData`; a URL as `fileData`, which Gemini only takes with its type.
    private static JsonObject FilePart(FileBlock file) => file.Url is { } url
        ? new JsonObject
        {
            ["fileData"] = new JsonObject
            {
                ["mimeType"] = file.MimeType ?? throw GatewayError.InvalidRequest(
                    $"Gemini needs the type of file `{file.Describe()}`: set `mime_type`, as it can't be told from the URL"),
                ["fileUri"] = url.ToString(),
            },
        }
        : new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = file.MimeType, ["data"] = file.Data } };

    private static JsonObject Thought(string text, string? signature)
    {
        var part = new JsonObject { ["thought"] = true, ["text"] = text };
        if (signature is not null)
        {
            part["thoughtSignature"] = signature;
        }
        return part;
    }

    private static JsonObject ParseArguments(ToolCallBlock call)
    {
        try
        {
            if (JsonNode.Parse(call.Arguments.Length == 0 ? "{}" : call.Arguments) is JsonObject args)
            {
                return args;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Reported below.
        }
        throw GatewayError.InvalidRequest($"Tool call `{call.Name}` (id `{call.Id}`): Gemini needs the arguments as a JSON object");
    }

    /// <summary>Gemini (AI Studio and Vertex AI) takes <c>thinking_budget_tokens</c> and <c>reasoning_effort</c>; no tiers, no <c>verbosity</c>.</summary>
    public static InferenceParamSupport ParamSupport(string providerName) => new(providerName, true, [], true, false);

    private static JsonObject BuildGenerationConfig(ModelRequest request)
    {
        var config = new JsonObject();
        var p = request.Params;
        AddIfSet(config, "temperature", p.Temperature);
        AddIfSet(config, "topP", p.TopP);
        if (p.MaxTokens is { } maxTokens)
        {
            config["maxOutputTokens"] = maxTokens;
        }
        if (p.Seed is { } seed)
        {
            config["seed"] = seed;
        }
        AddIfSet(config, "presencePenalty", p.PresencePenalty);
        AddIfSet(config, "frequencyPenalty", p.FrequencyPenalty);
        if (p.StopSequences is { Count: > 0 } stops)
        {
            config["stopSequences"] = new JsonArray(stops.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        // `thinking_budget_tokens` is Gemini's thinking budget, `reasoning_effort` its thinking level.
        if (p.ThinkingBudgetTokens is not null || p.ReasoningEffort is not null)
        {
            var thinking = new JsonObject();
            if (p.ThinkingBudgetTokens is { } budget)
            {
                thinking["thinkingBudget"] = budget;
            }
            if (p.ReasoningEffort is { } level)
            {
                thinking["thinkingLevel"] = level;
            }
            config["thinkingConfig"] = thinking;
        }
        if (request.JsonMode is JsonMode.On or JsonMode.Strict)
        {
            config["responseMimeType"] = JsonMimeType;
            if (request.OutputSchema is { } schema)
            {
                config["responseSchema"] = GeminiSchema.Clean(schema);
            }
        }
        return config;
    }

    private static void AddTools(JsonObject body, ModelRequest request)
    {
        var tools = request.Tools ?? [];
        var choice = request.ToolChoice;
        if (request.JsonMode == JsonMode.Tool && request.OutputSchema is not null)
        {
            tools = [.. tools, RespondTool.For(request.OutputSchema)];
            choice = new ToolChoice(ToolChoiceMode.Specific, RespondToolName);
        }
        if (tools.Count == 0)
        {
            return;
        }
        var declarations = new JsonArray(tools.Select(t => (JsonNode?)new JsonObject
        {
            ["name"] = t.Name,
            ["description"] = t.Description,
            ["parameters"] = GeminiSchema.Clean(t.Parameters),
        }).ToArray());
        body["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = declarations });
        if (choice is null)
        {
            return;
        }
        var calling = new JsonObject
        {
            ["mode"] = choice.Mode switch
            {
                ToolChoiceMode.None => "NONE",
                ToolChoiceMode.Required or ToolChoiceMode.Specific => "ANY",
                _ => "AUTO",
            },
        };
        if (choice is { Mode: ToolChoiceMode.Specific, ToolName: { } name })
        {
            calling["allowedFunctionNames"] = new JsonArray(name);
        }
        body["toolConfig"] = new JsonObject { ["functionCallingConfig"] = calling };
    }

    private static void AddIfSet(JsonObject body, string name, double? value)
    {
        if (value is { } number)
        {
            body[name] = number;
        }
    }
}
