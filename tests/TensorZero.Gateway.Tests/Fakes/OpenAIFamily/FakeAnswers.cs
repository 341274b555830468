using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes.OpenAIFamily;

/// <summary>What a fake answers: the text or tool call a request earns (the conformance answering contract).</summary>
/// <param name="Text">The text, or null for a tool call.</param>
/// <param name="ToolName">The tool called, or null for text.</param>
/// <param name="Custom">Whether the tool is an OpenAI custom tool: called with free-text <c>input</c> (<see cref="CustomInput"/>).</param>
public sealed record FakeAnswer(string? Text, string? ToolName, bool Custom = false)
{
    public const string ToolArguments = """{"location":"Brooklyn"}""";
    public const string CustomInput = "print('hello')";
    public const string JsonText = """{"answer":"Hello"}""";
    public const long InputTokens = 57;
    public const long OutputTokens = 17;
    public const long ReasoningTokens = 5;

    /// <summary>
    /// Tools offered: a call to the first. JSON asked for (<c>response_format</c>, <c>guided_json</c>, or the JSON
    /// instruction where nothing is sent on the wire): <see cref="JsonText"/>. Otherwise <paramref name="reply"/>.
    /// </summary>
    public static FakeAnswer For(JsonObject body, Func<JsonObject, string> reply)
    {
        if (body["tools"] is JsonArray { Count: > 0 } tools)
        {
            return tools[0]!["type"]?.GetValue<string>() == "custom"
                ? new FakeAnswer(null, tools[0]!["custom"]!["name"]!.GetValue<string>(), Custom: true)
                : new FakeAnswer(null, tools[0]!["function"]!["name"]!.GetValue<string>());
        }
        var wantsJson = body["response_format"]?["type"]?.GetValue<string>() is "json_object" or "json_schema"
            || body.ContainsKey("guided_json")
            || body["messages"]!.AsArray().Any(m => m!["role"]!.GetValue<string>() == "system"
                && m["content"]?.GetValue<string>().Contains("Respond using JSON", StringComparison.Ordinal) == true);
        return new FakeAnswer(wantsJson ? JsonText : reply(body), null);
    }

    /// <summary>The last user message's text, from chat <c>messages</c> or Responses API <c>input</c>.</summary>
    public static string LastUserText(JsonObject body) => body["messages"] is null
        ? FakeResponsesAnswer.LastUserText(body)
        : body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "user")!["content"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray parts => string.Concat(parts.Select(p => (p as JsonObject)?["text"]?.GetValue<string>())),
            _ => string.Empty,
        };

    public JsonObject Completion(FakeWire wire, string? model)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = Text };
        if (ToolName is not null && Custom)
        {
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_fake1",
                ["type"] = "custom",
                ["custom"] = new JsonObject { ["name"] = ToolName, ["input"] = CustomInput },
            });
        }
        else if (ToolName is not null)
        {
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_fake1",
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = ToolName,
                    ["arguments"] = wire.ArgumentsAsObject ? JsonNode.Parse(ToolArguments) : ToolArguments,
                },
            });
        }
        return new JsonObject
        {
            ["id"] = "chatcmpl-fake1",
            ["object"] = "chat.completion",
            ["created"] = 1_710_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = ToolName is null ? "stop" : "tool_calls",
            }),
            ["usage"] = Usage(wire),
        };
    }

    /// <summary>
    /// The SSE chunks of a streamed answer: a role chunk, the content in two pieces, a finish chunk, then a usage-only
    /// chunk with empty <c>choices</c> when the request asked for it (otherwise usage rides on the finish chunk, as
    /// Mistral, Together and Fireworks send it).
    /// </summary>
    public IEnumerable<JsonObject> Chunks(FakeWire wire, string? model, bool includeUsage)
    {
        yield return Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty });
        if (ToolName is null)
        {
            var half = Text!.Length / 2;
            yield return Chunk(model, new JsonObject { ["content"] = Text[..half] });
            yield return Chunk(model, new JsonObject { ["content"] = Text[half..] });
        }
        else if (Custom)
        {
            var input = CustomInput;
            yield return ToolChunk(wire, model, new JsonObject
            {
                ["index"] = 0,
                ["id"] = "call_fake1",
                ["type"] = "custom",
                ["custom"] = new JsonObject { ["name"] = ToolName, ["input"] = string.Empty },
            });
            yield return ToolChunk(wire, model, new JsonObject { ["index"] = 0, ["custom"] = new JsonObject { ["input"] = input[..(input.Length / 2)] } });
            yield return ToolChunk(wire, model, new JsonObject { ["index"] = 0, ["custom"] = new JsonObject { ["input"] = input[(input.Length / 2)..] } });
        }
        else if (wire.WholeToolCalls)
        {
            yield return Chunk(model, new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = "call_fake1",
                    ["function"] = new JsonObject { ["name"] = ToolName, ["arguments"] = ToolArguments },
                }),
            });
        }
        else
        {
            var half = ToolArguments.Length / 2;
            yield return ToolChunk(wire, model, new JsonObject
            {
                ["index"] = 0,
                ["id"] = "call_fake1",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = ToolName, ["arguments"] = string.Empty },
            });
            yield return ToolChunk(wire, model, new JsonObject { ["index"] = 0, ["id"] = wire.ArgumentsAsObject ? string.Empty : null, ["function"] = new JsonObject { ["arguments"] = ToolArguments[..half] } });
            yield return ToolChunk(wire, model, new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = ToolArguments[half..] } });
        }
        var finish = Chunk(model, new JsonObject(), ToolName is null ? "stop" : "tool_calls");
        if (!includeUsage)
        {
            finish["usage"] = Usage(wire);
        }
        yield return finish;
        if (includeUsage)
        {
            var usage = Chunk(model, null);
            usage["usage"] = Usage(wire);
            yield return usage;
        }
    }

    private static JsonObject ToolChunk(FakeWire wire, string? model, JsonObject call) =>
        Chunk(model, new JsonObject { ["tool_calls"] = wire.ArgumentsAsObject ? call : new JsonArray(call) });

    // A null delta makes the usage-only chunk: `choices` is empty.
    private static JsonObject Chunk(string? model, JsonObject? delta, string? finishReason = null) => new()
    {
        ["id"] = "chatcmpl-fake1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_710_000_000,
        ["model"] = model,
        ["choices"] = delta is null
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    private static JsonObject Usage(FakeWire wire)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = InputTokens,
            ["completion_tokens"] = OutputTokens,
            ["total_tokens"] = InputTokens + OutputTokens,
        };
        if (wire.ReasoningTokens)
        {
            usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = ReasoningTokens };
        }
        if (wire.Type == "deepseek")
        {
            usage["prompt_cache_hit_tokens"] = 0;
            usage["prompt_cache_miss_tokens"] = InputTokens;
        }
        return usage;
    }
}
