using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Abstractions;

public enum Role
{
    User,
    Assistant,
}

/// <summary>A provider-neutral piece of message content.</summary>
public abstract record ContentBlock;

/// <summary>Plain text.</summary>
public sealed record TextBlock(string Text) : ContentBlock;

/// <summary>Template arguments from the request, rendered with the variant's template of that name before any provider sees them.</summary>
public sealed record TemplateBlock(string Name, JsonObject Arguments) : ContentBlock;

/// <summary>Text that bypasses the variant's templates (<c>raw_text</c>); sent to providers as a <see cref="TextBlock"/>.</summary>
public sealed record RawTextBlock(string Text) : ContentBlock;

/// <summary>A tool call the model made. <see cref="Arguments"/> is the raw JSON text the model produced.</summary>
public sealed record ToolCallBlock(string Id, string Name, string Arguments) : ContentBlock;

/// <summary>The result of a tool call, sent back to the model.</summary>
public sealed record ToolResultBlock(string Id, string Name, string Result) : ContentBlock;

/// <summary>Model reasoning; providers that sign it (Anthropic) need the signature sent back.</summary>
public sealed record ThoughtBlock(string? Text, string? Signature = null) : ContentBlock
{
    /// <summary>
    /// The reasoning's summary texts (OpenAI Responses API reasoning items, whose <see cref="Signature"/> is the
    /// encrypted reasoning); null when the provider gave none.
    /// </summary>
    public IReadOnlyList<string>? Summary { get; init; }
}

/// <summary>How closely an image should be looked at (OpenAI's <c>detail</c>); other providers ignore it.</summary>
public enum FileDetail
{
    Low,
    High,
    Auto,
}

/// <summary>
/// A file for the model (an image, a PDF, audio): either inline base64 bytes, or a URL that a provider able to take
/// URLs fetches itself. The gateway never fetches a URL.
/// </summary>
public sealed record FileBlock : ContentBlock
{
    private FileBlock(string? mimeType, string? data, Uri? url)
    {
        MimeType = mimeType;
        Data = data;
        Url = url;
    }

    /// <summary>Always set for inline data; null for a URL whose type was not given and can't be told from its path.</summary>
    public string? MimeType { get; }

    /// <summary>The file's bytes as base64; null for a URL file.</summary>
    public string? Data { get; }

    /// <summary>An absolute http(s) URL; null for inline data.</summary>
    public Uri? Url { get; }

    public string? Filename { get; init; }

    public FileDetail? Detail { get; init; }

    public bool IsImage => MimeType?.StartsWith("image/", StringComparison.Ordinal) == true;

    public static FileBlock FromBase64(string mimeType, string data) => new(mimeType, data, null);

    public static FileBlock FromUrl(Uri url, string? mimeType) => new(mimeType, null, url);

    /// <summary>A <c>data:</c> URL of inline bytes.</summary>
    public string DataUrl() => Data is null
        ? throw new InvalidOperationException("A URL file has no data URL")
        : $"data:{MimeType};base64,{Data}";

    /// <summary>How the file is named in an error: its filename, else its URL, else its type.</summary>
    public string Describe() => Filename ?? Url?.ToString() ?? $"{MimeType} data";
}

/// <summary>
/// Provider-specific content passed through as raw JSON, to every provider or, when targeted, only to one model
/// and/or one of its providers (<see cref="ModelRequest.ForProvider"/> drops it elsewhere).
/// </summary>
public sealed record UnknownBlock(JsonNode? Data, string? ModelName = null, string? ProviderName = null) : ContentBlock
{
    public bool IsTargeted => ModelName is not null || ProviderName is not null;

    public bool Targets(string modelName, string providerName) =>
        (ModelName is null || ModelName == modelName) && (ProviderName is null || ProviderName == providerName);

    /// <summary>A copy of <see cref="Data"/> to put in a provider body (a JSON node has one parent).</summary>
    public JsonNode? DataCopy() => Data?.DeepClone();

    /// <summary>Writes <see cref="Data"/> as the writer's next value (<c>null</c> when there is none), without copying it.</summary>
    public void WriteData(System.Text.Json.Utf8JsonWriter writer)
    {
        if (Data is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            Data.WriteTo(writer);
        }
    }
}

/// <summary>A tool the model may call.</summary>
/// <param name="Parameters">A JSON Schema object.</param>
public sealed record ToolDefinition(string Name, string Description, JsonObject Parameters, bool Strict = false);

/// <summary>One turn of the conversation.</summary>
public sealed record RequestMessage(Role Role, IReadOnlyList<ContentBlock> Content);

/// <summary>What a variant asks of a model: provider-neutral, so each provider maps it to its own wire format.</summary>
/// <param name="ExtraBody">Variant-level <c>extra_body</c>; a provider applies its own items after these.</param>
/// <param name="OutputSchema">The JSON Schema of a JSON function's output, for <see cref="JsonMode.Strict"/> and <see cref="JsonMode.Tool"/>.</param>
public sealed record ModelRequest(
    string? System,
    IReadOnlyList<RequestMessage> Messages,
    InferenceParams Params,
    IReadOnlyList<ExtraBodyItem> ExtraBody,
    IReadOnlyList<ExtraHeaderItem> ExtraHeaders,
    IReadOnlyList<ToolDefinition>? Tools = null,
    ToolChoice? ToolChoice = null,
    bool? ParallelToolCalls = null,
    JsonMode JsonMode = JsonMode.Off,
    JsonObject? OutputSchema = null)
{
    /// <summary>OpenAI custom tools offered beside <see cref="Tools"/>; null when there are none.</summary>
    public IReadOnlyList<CustomToolDefinition>? CustomTools { get; init; }

    /// <summary>The request's own <c>extra_body</c> items with their model/provider filters; the model (<c>Inference.Model</c>) narrows them per provider.</summary>
    public IReadOnlyList<TargetedExtra<ExtraBodyItem>> RequestExtraBody { get; init; } = [];

    /// <summary>The request's own <c>extra_headers</c> items with their model/provider filters.</summary>
    public IReadOnlyList<TargetedExtra<ExtraHeaderItem>> RequestExtraHeaders { get; init; } = [];

    /// <summary>Request-time <c>extra_body</c> for the provider being called; applied last (it wins over provider config).</summary>
    public IReadOnlyList<ExtraBodyItem> InferenceExtraBody { get; init; } = [];

    /// <summary>Request-time <c>extra_headers</c> for the provider being called; applied last.</summary>
    public IReadOnlyList<ExtraHeaderItem> InferenceExtraHeaders { get; init; } = [];

    /// <summary>The request's <c>provider_tools</c> with their scopes; the model narrows them per provider.</summary>
    public IReadOnlyList<TargetedExtra<JsonObject>> RequestProviderTools { get; init; } = [];

    /// <summary>The request's provider tools whose scope takes in the provider being called; sent after the config's own.</summary>
    public IReadOnlyList<JsonObject> InferenceProviderTools { get; init; } = [];

    /// <summary>The type of the function asking: some providers shape JSON mode differently for chat functions (no assistant prefill).</summary>
    public FunctionType FunctionType { get; init; } = FunctionType.Chat;

    /// <summary>The request's <c>cache_options</c> (after <c>dryrun</c>): whether this call may be answered from, or stored in, the inference cache.</summary>
    public Store.Cache.CacheOptions Cache { get; init; } = Store.Cache.CacheOptions.Off;

    /// <summary>
    /// This request as sent to one provider of one model: the request-time extras that target it, and only the
    /// <see cref="UnknownBlock"/>s meant for it.
    /// </summary>
    public ModelRequest ForProvider(string modelName, string providerName)
    {
        // The filtering lambdas live in their own methods: their closure is made only when a request has something
        // to filter, not on every provider call.
        var request = RequestExtraBody.Count == 0 && RequestExtraHeaders.Count == 0 && RequestProviderTools.Count == 0
            ? this
            : WithExtrasFor(modelName, providerName);
        return HasTargetedBlocks() ? request.WithBlocksFor(modelName, providerName) : request;
    }

    private ModelRequest WithExtrasFor(string modelName, string providerName) => this with
    {
        InferenceExtraBody = RequestExtraBody.Where(e => e.Targets(modelName, providerName)).Select(e => e.Item).ToList(),
        InferenceExtraHeaders = RequestExtraHeaders.Where(e => e.Targets(modelName, providerName)).Select(e => e.Item).ToList(),
        InferenceProviderTools = RequestProviderTools.Where(e => e.Targets(modelName, providerName)).Select(e => e.Item).ToList(),
    };

    private bool HasTargetedBlocks()
    {
        for (var m = 0; m < Messages.Count; m++)
        {
            var content = Messages[m].Content;
            for (var b = 0; b < content.Count; b++)
            {
                if (content[b] is UnknownBlock { IsTargeted: true })
                {
                    return true;
                }
            }
        }
        return false;
    }

    private ModelRequest WithBlocksFor(string modelName, string providerName) => this with
    {
        Messages = Messages
            .Select(m => m with { Content = m.Content.Where(b => b is not UnknownBlock unknown || unknown.Targets(modelName, providerName)).ToList() })
            .ToList(),
    };
}

/// <summary>A request-time <c>extra_body</c>/<c>extra_headers</c> item, optionally limited to a variant, a model or one of its providers.</summary>
public sealed record TargetedExtra<T>(T Item, string? VariantName = null, string? ModelName = null, string? ProviderName = null)
{
    public bool Targets(string modelName, string providerName) =>
        (ModelName is null || ModelName == modelName) && (ProviderName is null || ProviderName == providerName);

    /// <summary>Whether the entry applies to <paramref name="variant"/>: it names that variant or none.</summary>
    public bool TargetsVariant(string variant) => VariantName is null || VariantName == variant;
}

/// <summary>Token counts; null when the provider did not report them.</summary>
public sealed record Usage(long? InputTokens, long? OutputTokens)
{
    public static readonly Usage Unknown = new(null, null);
}

public enum FinishReason
{
    Stop,
    StopSequence,
    Length,
    ToolCall,
    ContentFilter,
    Unknown,
}

/// <summary>
/// The usage object exactly as a provider reported it (<c>raw_usage</c>), with the fields the gateway's
/// <see cref="Usage"/> leaves out (cache and reasoning tokens). <see cref="Data"/> is null when the provider has no
/// usage object of its own (the dummy).
/// </summary>
public sealed class RawUsage
{
    // A usage object read out of a parsed answer is kept as its UTF-8 text and made a node only when a client asks for
    // raw usage: most requests never do, and a copy of the bytes is far cheaper than a node tree.
    private readonly byte[]? _utf8;
    private JsonNode? _data;

    /// <param name="data">The usage value.</param>
    /// <param name="apiType">The provider API it came from, as TensorZero names it (<c>chat_completions</c>, <c>responses</c>).</param>
    public RawUsage(JsonNode? data, string apiType = Errors.RawResponseEntry.ChatCompletions)
    {
        _data = data;
        ApiType = apiType;
    }

    private RawUsage(byte[] utf8, string apiType)
    {
        _utf8 = utf8;
        ApiType = apiType;
    }

    public JsonNode? Data => _data ??= _utf8 is null ? null : JsonNode.Parse(_utf8);

    public string ApiType { get; }

    /// <summary>
    /// An answer's <c>usage</c> value as sent, when it is there and not null; it stays valid after the document it
    /// was read from is disposed.
    /// </summary>
    public static RawUsage? Of(JsonElement usage, string apiType = Errors.RawResponseEntry.ChatCompletions) =>
        JsonRead.HasValue(usage) ? new RawUsage(JsonMarshal.GetRawUtf8Value(usage).ToArray(), apiType) : null;
}

/// <summary>A provider's answer, mapped back to provider-neutral content.</summary>
/// <param name="RawRequest">The body sent (never headers, so never a key).</param>
/// <param name="RawResponse">The body received, unredacted: redact it with <see cref="Secrets"/> before it leaves the gateway.</param>
public sealed record ProviderResponse(
    IReadOnlyList<ContentBlock> Content,
    Usage Usage,
    FinishReason? FinishReason,
    string RawRequest,
    string RawResponse)
{
    /// <summary>The provider's own usage object, when it sent one.</summary>
    public RawUsage? RawUsage { get; init; }

    /// <summary>The secrets in play for the call (the key it used included), to redact raw bodies before a client sees them.</summary>
    public SecretScope? Secrets { get; init; }

    /// <summary>
    /// Set when the answer came from the inference cache: the usage of the call that was cached (stored with the model
    /// inference). <see cref="Usage"/> is then zero, as TensorZero reports a hit: nothing was billed.
    /// </summary>
    public Usage? CachedUsage { get; init; }
}

/// <summary>A piece of streamed content. Deltas with the same <see cref="Id"/> belong to one block.</summary>
public abstract record ContentDelta(string Id);

public sealed record TextDelta(string Id, string Text) : ContentDelta(Id);

/// <summary>A fragment of a tool call: the name usually arrives in the first delta, arguments in pieces.</summary>
public sealed record ToolCallDelta(string Id, string? Name, string ArgumentsDelta) : ContentDelta(Id);

public sealed record ThoughtDelta(string Id, string? Text, string? Signature = null) : ContentDelta(Id)
{
    /// <summary>Which summary of the thought <see cref="SummaryText"/> belongs to (OpenAI Responses API reasoning summaries).</summary>
    public string? SummaryId { get; init; }

    /// <summary>A piece of a reasoning summary's text.</summary>
    public string? SummaryText { get; init; }
}

/// <summary>
/// One chunk of a provider stream, mapped to provider-neutral deltas. A provider event that carries nothing the
/// gateway reads (OpenAI's role-only first chunk) is still a chunk, with empty content, so <c>include_raw_response</c>
/// can show it; writers leave such chunks out otherwise.
/// </summary>
/// <param name="RawChunk">The provider's chunk as received (an SSE data payload, a decoded Bedrock event), unredacted.</param>
public sealed record ProviderStreamChunk(IReadOnlyList<ContentDelta> Content, Usage? Usage, FinishReason? FinishReason, string RawChunk)
{
    /// <summary>The provider's own usage object, on the chunk that carried it.</summary>
    public RawUsage? RawUsage { get; init; }

    /// <summary>The secrets in play for the call, to redact <see cref="RawChunk"/> before a client sees it.</summary>
    public SecretScope? Secrets { get; init; }

    /// <summary>
    /// The body sent to the provider (never headers, so never a key), on the first chunk of a call only: a streamed
    /// inference stores it as its model inference's <c>raw_request</c>, as an answered one does.
    /// </summary>
    public string? RawRequest { get; init; }

    /// <summary>
    /// On the first chunk of a stream made from a whole answer (a best-of-N or mixture-of-N answer streamed): the
    /// answer's raw response, stored in place of the chunks' raw data, which such a stream doesn't have.
    /// </summary>
    public string? WholeRawResponse { get; init; }

    /// <summary>
    /// <paramref name="chunk"/> carrying <paramref name="rawRequest"/> if that is still to be handed on, which it then
    /// no longer is: a provider passes each chunk it yields through this, so only its first carries the body.
    /// </summary>
    public static ProviderStreamChunk First(ProviderStreamChunk chunk, ref string? rawRequest)
    {
        if (rawRequest is null)
        {
            return chunk;
        }
        var first = chunk with { RawRequest = rawRequest };
        rawRequest = null;
        return first;
    }

    /// <summary>
    /// Set on every chunk replayed from the inference cache: the usage this chunk carried when it was cached
    /// (<see cref="Usage.Unknown"/> when none). <see cref="Usage"/> is then zero where it was set.
    /// </summary>
    public Usage? CachedUsage { get; init; }

    /// <summary>Whether the chunk carries content, usage, a finish reason or an error (what a client sees without raw data).</summary>
    public bool HasData => Content.Count > 0 || Usage is not null || FinishReason is not null || Error is not null;

    /// <summary>
    /// A failure the provider reported without ending its stream (TensorZero's non-fatal stream error): the client gets
    /// an error event in its place and the stream goes on. A stream that can't go on throws instead.
    /// </summary>
    public Errors.GatewayError? Error { get; init; }

    /// <summary>A chunk that carries only a non-fatal <paramref name="error"/>.</summary>
    public static ProviderStreamChunk Failed(Errors.GatewayError error) => new([], null, null, string.Empty) { Error = error };
}

