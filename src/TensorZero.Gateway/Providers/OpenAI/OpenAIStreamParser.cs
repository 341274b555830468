using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Maps chat-completions stream chunks of one flavour to provider-neutral chunks. Tool-call deltas that carry only an
/// <c>index</c> are matched to the id first seen at that index; TGI's single tool-call object and Mistral's whole tool
/// calls and content arrays are accepted; error events of every family shape end the stream with an error.
/// </summary>
public sealed class OpenAIStreamParser(OpenAIFlavour flavour, string displayName, SecretScope secrets)
{
    private readonly List<string> _toolCallIds = [];
    private readonly ThinkTagSplitter? _thinkTags = flavour.ParsesThinkTags ? new ThinkTagSplitter() : null;

    public ProviderStreamChunk Parse(string data)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(data) as JsonObject ?? throw ProviderHttp.StreamError(displayName, "a chunk is not a JSON object", secrets);
        }
        catch (System.Text.Json.JsonException)
        {
            throw ProviderHttp.StreamError(displayName, "a chunk is not valid JSON", secrets);
        }
        // OpenAI and OpenRouter: {"error": {...}}; TGI: {"error": "...", "error_type": ...}; vLLM, SGLang, Mistral: {"object": "error", ...}.
        if (root["error"] is { } || JsonRead.String(root["object"]) == "error")
        {
            throw ProviderHttp.StreamError(displayName, data, secrets, rawChunk: data);
        }
        var usage = OpenAIResponseParser.ParseUsage(flavour, root["usage"]);
        var deltas = new List<ContentDelta>();
        FinishReason? finish = null;
        if (root["choices"] is JsonArray { Count: > 1 })
        {
            throw ProviderHttp.StreamError(displayName, "a chunk has more than one choice", secrets);
        }
        if (root["choices"] is JsonArray { Count: 1 } choices && choices[0] is JsonObject choice)
        {
            if (JsonRead.String(choice["finish_reason"]) is { Length: > 0 } reason)
            {
                finish = OpenAIResponseParser.MapFinishReason(reason);
            }
            if (choice["delta"] is JsonObject delta)
            {
                ReadDelta(delta, deltas);
            }
        }
        // A chunk with nothing to read (the role-only first chunk) still goes on, for raw output.
        return new ProviderStreamChunk(deltas, usage, finish, data) { RawUsage = OpenAIResponseParser.RawUsageOf(root), Secrets = secrets };
    }

    /// <summary>Content held back at the end of the stream (a partial <c>&lt;think&gt;</c> tag that never completed).</summary>
    public ProviderStreamChunk? Finish() =>
        _thinkTags?.Flush() is { } last ? new ProviderStreamChunk([Piece(last.IsThought, last.Text)], null, null, string.Empty) { Secrets = secrets } : null;

    private void ReadDelta(JsonObject delta, List<ContentDelta> deltas)
    {
        var thought = new StringBuilder(
            JsonRead.String(delta["reasoning"]) ?? JsonRead.String(delta["reasoning_content"]) ?? string.Empty);
        var text = new StringBuilder();
        OpenAIResponseParser.ReadContent(delta["content"], text, thought);
        if (thought.Length > 0)
        {
            deltas.Add(new ThoughtDelta("0", thought.ToString()));
        }
        if (text.Length > 0)
        {
            if (_thinkTags is null)
            {
                deltas.Add(new TextDelta("0", text.ToString()));
            }
            else
            {
                deltas.AddRange(_thinkTags.Push(text.ToString()).Select(p => Piece(p.IsThought, p.Text)));
            }
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

    private static ContentDelta Piece(bool isThought, string text) =>
        isThought ? new ThoughtDelta("0", text) : new TextDelta("0", text);

    private ToolCallDelta ToolCall(JsonObject call)
    {
        var function = call["function"] as JsonObject ?? call["custom"] as JsonObject;
        var id = JsonRead.String(call["id"]);
        var index = JsonRead.Long(call["index"]);
        if (id is { Length: > 0 })
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
            id = _toolCallIds.LastOrDefault() ?? throw ProviderHttp.StreamError(displayName, "a tool call delta has no id", secrets);
        }
        return new ToolCallDelta(id, JsonRead.String(function?["name"]), OpenAIResponseParser.ArgumentsText(function?["arguments"] ?? function?["input"]));
    }
}
