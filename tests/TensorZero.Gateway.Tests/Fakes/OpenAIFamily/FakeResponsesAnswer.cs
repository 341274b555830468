using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes.OpenAIFamily;

/// <summary>
/// What the fake answers on <c>POST /v1/responses</c>, in the Responses API's real shapes, by the conformance answering
/// contract: the first function or custom tool offered is called (a custom tool with <see cref="FakeAnswer.CustomInput"/>), else
/// JSON when <c>text.format</c> or the JSON instruction asks for it, else the reply. A request with <c>reasoning</c>
/// first gets a reasoning item, whose <c>encrypted_content</c> is set only when <c>include</c> asks for it.
/// </summary>
public sealed class FakeResponsesAnswer
{
    public const string ReasoningSummary = "Thinking it over.";
    public const string EncryptedReasoning = "gAAAA-fake-encrypted-reasoning";

    private readonly JsonObject? _reasoning;
    private readonly string? _text;
    private readonly (string Type, string Name)? _tool;

    private FakeResponsesAnswer(JsonObject body, Func<JsonObject, string> reply)
    {
        if (body["reasoning"] is JsonObject)
        {
            var encrypted = body["include"] is JsonArray include && include.Any(i => i?.GetValue<string>() == "reasoning.encrypted_content");
            _reasoning = new JsonObject
            {
                ["type"] = "reasoning",
                ["id"] = "rs_fake1",
                ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = ReasoningSummary }),
                ["encrypted_content"] = encrypted ? EncryptedReasoning : null,
            };
        }
        var tool = (body["tools"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(t => t["type"]?.GetValue<string>() is "function" or "custom");
        if (tool is not null)
        {
            _tool = (tool["type"]!.GetValue<string>(), tool["name"]!.GetValue<string>());
            return;
        }
        var wantsJson = body["text"]?["format"]?["type"]?.GetValue<string>() is "json_object" or "json_schema"
            || (body["input"] as JsonArray ?? []).OfType<JsonObject>().Any(i => i["role"]?.GetValue<string>() == "system"
                && i["content"]?[0]?["text"]?.GetValue<string>().Contains("Respond using JSON", StringComparison.Ordinal) == true);
        _text = wantsJson ? FakeAnswer.JsonText : reply(body);
    }

    public static FakeResponsesAnswer For(JsonObject body, Func<JsonObject, string> reply) => new(body, reply);

    /// <summary>The text of the last user message item.</summary>
    public static string LastUserText(JsonObject body) =>
        string.Concat((body["input"] as JsonArray ?? []).OfType<JsonObject>()
            .Last(i => i["type"]?.GetValue<string>() == "message" && i["role"]?.GetValue<string>() == "user")["content"]!.AsArray()
            .Select(p => p?["text"]?.GetValue<string>()));

    /// <summary>The non-streamed answer.</summary>
    public JsonObject Response(string? model) => Envelope(model, "completed", Output());

    /// <summary>The stream's events, each with its <c>type</c>, in the order the real API sends them.</summary>
    public IEnumerable<JsonObject> Events(string? model)
    {
        yield return new JsonObject { ["type"] = "response.created", ["response"] = Envelope(model, "in_progress", []) };
        var index = 0;
        if (_reasoning is not null)
        {
            var added = (JsonObject)_reasoning.DeepClone();
            added["summary"] = new JsonArray();
            added["encrypted_content"] = null;
            yield return Item("response.output_item.added", index, added);
            var half = ReasoningSummary.Length / 2;
            foreach (var piece in new[] { ReasoningSummary[..half], ReasoningSummary[half..] })
            {
                yield return new JsonObject
                {
                    ["type"] = "response.reasoning_summary_text.delta",
                    ["item_id"] = "rs_fake1",
                    ["output_index"] = index,
                    ["summary_index"] = 0,
                    ["delta"] = piece,
                };
            }
            yield return Item("response.output_item.done", index, (JsonObject)_reasoning.DeepClone());
            index++;
        }
        if (_tool is { } tool)
        {
            var custom = tool.Type == "custom";
            var id = custom ? "ctc_fake1" : "fc_fake1";
            var input = custom ? FakeAnswer.CustomInput : FakeAnswer.ToolArguments;
            yield return Item("response.output_item.added", index, ToolItem(tool, input: string.Empty));
            var half = input.Length / 2;
            foreach (var piece in new[] { input[..half], input[half..] })
            {
                yield return new JsonObject
                {
                    ["type"] = custom ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta",
                    ["item_id"] = id,
                    ["output_index"] = index,
                    ["delta"] = piece,
                };
            }
            yield return new JsonObject
            {
                ["type"] = custom ? "response.custom_tool_call_input.done" : "response.function_call_arguments.done",
                ["item_id"] = id,
                ["output_index"] = index,
                [custom ? "input" : "arguments"] = input,
            };
            yield return Item("response.output_item.done", index, ToolItem(tool, input));
        }
        else
        {
            var message = new JsonObject { ["type"] = "message", ["id"] = "msg_fake1", ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() };
            yield return Item("response.output_item.added", index, message);
            var half = _text!.Length / 2;
            foreach (var piece in new[] { _text[..half], _text[half..] })
            {
                yield return new JsonObject
                {
                    ["type"] = "response.output_text.delta",
                    ["item_id"] = "msg_fake1",
                    ["output_index"] = index,
                    ["content_index"] = 0,
                    ["delta"] = piece,
                };
            }
            yield return new JsonObject { ["type"] = "response.output_text.done", ["item_id"] = "msg_fake1", ["output_index"] = index, ["content_index"] = 0, ["text"] = _text };
            yield return Item("response.output_item.done", index, MessageItem());
        }
        yield return new JsonObject { ["type"] = "response.completed", ["response"] = Envelope(model, "completed", Output()) };
    }

    /// <summary>An <c>error</c> event, as the API sends one mid-stream.</summary>
    public static JsonObject ErrorEvent() => new()
    {
        ["type"] = "error",
        ["code"] = "server_error",
        ["message"] = "The server had an error while processing your request.",
        ["param"] = null,
    };

    private JsonArray Output()
    {
        var output = new JsonArray();
        if (_reasoning is not null)
        {
            output.Add(_reasoning.DeepClone());
        }
        output.Add(_tool is { } tool ? ToolItem(tool, tool.Type == "custom" ? FakeAnswer.CustomInput : FakeAnswer.ToolArguments) : MessageItem());
        return output;
    }

    private static JsonObject ToolItem((string Type, string Name) tool, string input) => tool.Type == "custom"
        ? new JsonObject { ["type"] = "custom_tool_call", ["id"] = "ctc_fake1", ["status"] = "completed", ["call_id"] = "call_fake1", ["name"] = tool.Name, ["input"] = input }
        : new JsonObject { ["type"] = "function_call", ["id"] = "fc_fake1", ["status"] = "completed", ["call_id"] = "call_fake1", ["name"] = tool.Name, ["arguments"] = input };

    private JsonObject MessageItem() => new()
    {
        ["type"] = "message",
        ["id"] = "msg_fake1",
        ["status"] = "completed",
        ["role"] = "assistant",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["annotations"] = new JsonArray(), ["text"] = _text }),
    };

    private static JsonObject Item(string type, int index, JsonObject item) => new() { ["type"] = type, ["output_index"] = index, ["item"] = item };

    private static JsonObject Envelope(string? model, string status, JsonArray output) => new()
    {
        ["id"] = "resp_fake1",
        ["object"] = "response",
        ["created_at"] = 1_710_000_000,
        ["status"] = status,
        ["error"] = null,
        ["incomplete_details"] = null,
        ["model"] = model,
        ["output"] = output,
        ["usage"] = status == "completed"
            ? new JsonObject
            {
                ["input_tokens"] = FakeAnswer.InputTokens,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                ["output_tokens"] = FakeAnswer.OutputTokens,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = FakeAnswer.InputTokens + FakeAnswer.OutputTokens,
            }
            : null,
    };
}
