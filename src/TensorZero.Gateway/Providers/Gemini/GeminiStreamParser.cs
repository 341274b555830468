using System.Runtime.CompilerServices;
using System.Text.Json;
using TensorZero.Gateway.Streaming;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Gemini;

/// <summary>
/// Maps the chunks of a Gemini <c>:streamGenerateContent?alt=sse</c> stream (each a whole <c>GenerateContentResponse</c>)
/// to provider-neutral chunks. The stream has no terminator: it ends with the body.
/// </summary>
/// <remarks>
/// Gemini repeats <c>usageMetadata</c> in every chunk with running totals, so usage is reported once: on the chunk
/// carrying the <c>finishReason</c>, or by <see cref="Complete"/> if the stream ended without one. A function call
/// arrives whole in one part; each gets the next id (<c>0</c>, <c>1</c>, …) since Gemini has none.
/// </remarks>
public sealed class GeminiStreamParser(string displayName, SecretScope secrets)
{
    private const string TextId = "0";
    private const string ThoughtId = "0";

    private int _toolCalls;
    private int _signatures;
    private Usage? _usage;
    private RawUsage? _rawUsage;
    private bool _usageReported;

    /// <summary>Reads a whole SSE body and yields its chunks, ending with any usage not reported yet.</summary>
    public static async IAsyncEnumerable<ProviderStreamChunk> ReadAsync(
        Stream body,
        string displayName,
        SecretScope secrets,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parser = new GeminiStreamParser(displayName, secrets);
        await foreach (var sse in SseReader.ReadAsync(body, cancellationToken).ConfigureAwait(false))
        {
            yield return parser.Parse(sse.Data);
        }
        if (parser.Complete() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>Maps one SSE data payload; a chunk without content when it carries nothing to report yet (kept for raw output).</summary>
    public ProviderStreamChunk Parse(string data)
    {
        // A pooled document per chunk, not a node tree: every value is read out before it is disposed.
        using (var document = ProviderHttp.ParseStreamDocument(data, "a chunk", displayName, secrets))
        {
            var root = document.RootElement;
            var error = JsonRead.Property(root, "error"u8);
            if (JsonRead.HasValue(error))
            {
                throw ProviderHttp.StreamError(displayName, JsonRead.CompactText(error), secrets, rawChunk: data);
            }
            var usageMetadata = JsonRead.Property(root, "usageMetadata"u8);
            if (GeminiWire.ParseUsage(usageMetadata) is { } usage)
            {
                _usage = usage;
                _rawUsage = RawUsage.Of(usageMetadata);
            }
            var candidate = GeminiWire.FirstCandidate(root);
            var hasCandidate = candidate.ValueKind == JsonValueKind.Object;
            if (!hasCandidate && JsonRead.HasValue(GeminiWire.BlockReason(root)))
            {
                throw ProviderHttp.StreamError(displayName, GeminiWire.NoCandidateProblem(root), secrets);
            }
            var deltas = hasCandidate ? Deltas(candidate) : [];
            FinishReason? finish = JsonRead.String(JsonRead.Property(candidate, "finishReason"u8)) is { Length: > 0 } reason
                ? GeminiWire.MapFinishReason(reason)
                : null;
            Usage? reported = null;
            if (finish is not null && _usage is not null)
            {
                reported = _usage;
                _usageReported = true;
            }
            return new ProviderStreamChunk(deltas, reported, finish, data)
            {
                RawUsage = reported is null ? null : _rawUsage,
                Secrets = secrets,
            };
        }
    }

    /// <summary>Call when the body ended: the usage seen but not reported yet, if any.</summary>
    public ProviderStreamChunk? Complete()
    {
        if (_usage is null || _usageReported)
        {
            return null;
        }
        _usageReported = true;
        return new ProviderStreamChunk([], _usage, null, string.Empty) { RawUsage = _rawUsage, Secrets = secrets };
    }

    private List<ContentDelta> Deltas(JsonElement candidate)
    {
        var deltas = new List<ContentDelta>();
        foreach (var part in GeminiWire.Parts(candidate))
        {
            var signature = JsonRead.String(JsonRead.Property(part, "thoughtSignature"u8));
            var text = JsonRead.String(JsonRead.Property(part, "text"u8));
            if (GeminiWire.IsThought(part))
            {
                if (text is { Length: > 0 } || signature is not null)
                {
                    deltas.Add(new ThoughtDelta(ThoughtId, text is { Length: > 0 } ? text : null, signature));
                }
                continue;
            }
            if (signature is not null)
            {
                // A signature on an answer part is its own block, so it is sent back ahead of that part and not merged into earlier reasoning.
                deltas.Add(new ThoughtDelta($"signature-{_signatures++}", null, signature));
            }
            if (text is { Length: > 0 })
            {
                deltas.Add(new TextDelta(TextId, text));
            }
            else if (JsonRead.Property(part, "functionCall"u8) is { ValueKind: JsonValueKind.Object } call)
            {
                var id = (_toolCalls++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                deltas.Add(new ToolCallDelta(id, JsonRead.String(JsonRead.Property(call, "name"u8)) ?? string.Empty, GeminiWire.ArgumentsText(JsonRead.Property(call, "args"u8))));
            }
        }
        return deltas;
    }
}
