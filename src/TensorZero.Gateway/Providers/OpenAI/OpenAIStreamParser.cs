using System.Text.Json;
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
        // A pooled document per chunk, not a node tree: every value is read out before it is disposed.
        using (var document = ProviderHttp.ParseStreamDocument(data, "a chunk", displayName, secrets))
        {
            var root = document.RootElement;
            // OpenAI and OpenRouter: {"error": {...}}; TGI: {"error": "...", "error_type": ...}; vLLM, SGLang, Mistral: {"object": "error", ...}.
            if (JsonRead.HasValue(JsonRead.Property(root, "error"u8)) || JsonRead.IsString(JsonRead.Property(root, "object"u8), "error"u8))
            {
                throw ProviderHttp.StreamError(displayName, data, secrets, rawChunk: data);
            }
            var usageValue = JsonRead.Property(root, "usage"u8);
            var usage = OpenAIResponseParser.ParseUsage(flavour, usageValue);
            var deltas = new List<ContentDelta>();
            FinishReason? finish = null;
            var choices = JsonRead.Property(root, "choices"u8);
            if (choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 1)
            {
                throw ProviderHttp.StreamError(displayName, "a chunk has more than one choice", secrets);
            }
            if (choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 1 && choices[0] is { ValueKind: JsonValueKind.Object } choice)
            {
                if (JsonRead.String(JsonRead.Property(choice, "finish_reason"u8)) is { Length: > 0 } reason)
                {
                    finish = OpenAIResponseParser.MapFinishReason(reason);
                }
                if (JsonRead.Property(choice, "delta"u8) is { ValueKind: JsonValueKind.Object } delta)
                {
                    ReadDelta(delta, deltas);
                }
            }
            // A chunk with nothing to read (the role-only first chunk) still goes on, for raw output.
            return new ProviderStreamChunk(deltas, usage, finish, data) { RawUsage = RawUsage.Of(usageValue), Secrets = secrets };
        }
    }

    /// <summary>Content held back at the end of the stream (a partial <c>&lt;think&gt;</c> tag that never completed).</summary>
    public ProviderStreamChunk? Finish() =>
        _thinkTags?.Flush() is { } last ? new ProviderStreamChunk([Piece(last.IsThought, last.Text)], null, null, string.Empty) { Secrets = secrets } : null;

    private void ReadDelta(JsonElement delta, List<ContentDelta> deltas)
    {
        var (thought, text) = OpenAIResponseParser.ReadThoughtAndText(delta);
        if (thought.Length > 0)
        {
            deltas.Add(new ThoughtDelta("0", thought));
        }
        if (text is { Length: > 0 })
        {
            if (_thinkTags is null)
            {
                deltas.Add(new TextDelta("0", text));
            }
            else
            {
                deltas.AddRange(_thinkTags.Push(text).Select(p => Piece(p.IsThought, p.Text)));
            }
        }
        // TGI sends one tool-call object instead of an array.
        var calls = JsonRead.Property(delta, "tool_calls"u8);
        if (calls.ValueKind == JsonValueKind.Object)
        {
            deltas.Add(ToolCall(calls));
        }
        else if (calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object)
                {
                    deltas.Add(ToolCall(call));
                }
            }
        }
    }

    private static ContentDelta Piece(bool isThought, string text) =>
        isThought ? new ThoughtDelta("0", text) : new TextDelta("0", text);

    private ToolCallDelta ToolCall(JsonElement call)
    {
        var id = JsonRead.String(JsonRead.Property(call, "id"u8));
        var index = JsonRead.Long(JsonRead.Property(call, "index"u8));
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
        var (name, arguments) = OpenAIResponseParser.ToolCallFunction(call);
        return new ToolCallDelta(id, name, arguments);
    }
}
