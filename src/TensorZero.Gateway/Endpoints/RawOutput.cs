using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// The providers' raw data a request asked for, as TensorZero reports it: <c>raw_response</c> entries (failed attempts
/// first, then each model inference), <c>raw_usage</c> entries, raw stream chunks and the deprecated
/// <c>original_response</c>. Every provider body is redacted of the secrets in play before it is written: the scope
/// the provider call used when it gave one (the key it signed with included), else every gateway-held key and the
/// request's credentials. Both inference APIs write through this class; only the property names differ.
/// </summary>
public sealed class RawOutput
{
    private readonly SecretScope _secrets;

    private RawOutput(bool rawResponse, bool rawUsage, bool originalResponse, SecretScope secrets)
    {
        RawResponse = rawResponse;
        RawUsage = rawUsage;
        OriginalResponse = originalResponse;
        _secrets = secrets;
    }

    /// <summary>No raw data (what a stored row shows).</summary>
    public static readonly RawOutput None = new(false, false, false, SecretScope.None);

    /// <summary><c>include_raw_response</c>.</summary>
    public bool RawResponse { get; }

    /// <summary><c>include_raw_usage</c>.</summary>
    public bool RawUsage { get; }

    /// <summary><c>include_original_response</c> (deprecated: <c>original_response</c> and <c>original_chunk</c>).</summary>
    public bool OriginalResponse { get; }

    /// <summary>
    /// What <paramref name="request"/> asked for; <see cref="None"/> when it asked for nothing (every use of the scope is
    /// behind one of the three flags, so none of them reaches an unredacting scope).
    /// </summary>
    public static RawOutput For(InferenceRequest request, SecretRegistry secrets) =>
        !(request.IncludeRawResponse || request.IncludeRawUsage || request.IncludeOriginalResponse) ? None : new(
            request.IncludeRawResponse,
            request.IncludeRawUsage,
            request.IncludeOriginalResponse,
            secrets.Scope(request.Credentials));

    /// <summary>
    /// <c>original_response</c>: the answering body (a best-of-N or mixture-of-N answer's: the evaluator's or fuser's),
    /// redacted with the scope of every call that went into the answer; null when there is none.
    /// </summary>
    public string? Original(ModelResult model)
    {
        if (model.OriginalResponse is not { } original)
        {
            return null;
        }
        var text = _secrets.Redact(original);
        foreach (var scope in model.AllModelResults().Select(m => m.Response.Secrets).OfType<SecretScope>().Distinct())
        {
            text = scope.Redact(text);
        }
        return text;
    }

    /// <summary>
    /// The <c>raw_response</c> entries of a finished inference: failed variants, then per model inference (the answer's
    /// first, then the others that went into it) its failed attempts and its answer.
    /// </summary>
    public List<RawResponseEntry> ResponseEntries(InferenceResult result)
    {
        var entries = new List<RawResponseEntry>(result.FailedRawResponses);
        foreach (var model in result.Model.AllModelResults())
        {
            AddModelEntries(entries, model);
        }
        return entries;
    }

    /// <summary>Writes <c>raw_usage</c> of a finished inference: one entry per model inference that reported usage of its own.</summary>
    public void WriteUsageEntries(Utf8JsonWriter writer, string propertyName, InferenceResult result) =>
        WriteUsageEntries(writer, propertyName, result.Model.AllModelResults());

    /// <summary>Writes <c>raw_usage</c> entries of <paramref name="models"/>, those that reported usage of their own.</summary>
    public void WriteUsageEntries(Utf8JsonWriter writer, string propertyName, IEnumerable<ModelResult> models)
    {
        writer.WriteStartArray(propertyName);
        foreach (var model in models)
        {
            if (model.Response.RawUsage is { } usage)
            {
                WriteUsageEntry(writer, model.ModelInferenceId, model.ProviderType, usage, model.Response.Secrets);
            }
        }
        writer.WriteEndArray();
    }

    /// <summary>
    /// The chunks a stream sends ahead of the provider's, as TensorZero does: the failed variants' answers, earlier
    /// model calls' raw usage, the answers of the providers (and retries) that failed before this stream started, and
    /// earlier model calls' answers. Only what was asked for, and none empty.
    /// </summary>
    public IReadOnlyList<RawPreludeChunk> Prelude(InferenceStreamResult result)
    {
        if (!RawResponse && !RawUsage)
        {
            return [];
        }
        var prelude = new List<RawPreludeChunk>();
        if (RawResponse && result.FailedRawResponses.Count > 0)
        {
            prelude.Add(new RawPreludeChunk(null, result.FailedRawResponses));
        }
        var previous = result.Run.PreviousModelResults.SelectMany(m => m.AllModelResults()).ToList();
        if (RawUsage && previous.Any(m => m.Response.RawUsage is not null))
        {
            prelude.Add(new RawPreludeChunk(previous, null));
        }
        if (RawResponse && result.Run.FailedRawResponses.Count > 0)
        {
            prelude.Add(new RawPreludeChunk(null, result.Run.FailedRawResponses));
        }
        if (RawResponse && previous.Count > 0)
        {
            var entries = new List<RawResponseEntry>();
            foreach (var model in previous)
            {
                AddModelEntries(entries, model);
            }
            prelude.Add(new RawPreludeChunk(null, entries));
        }
        return prelude;
    }

    /// <summary>
    /// <see cref="Shows"/> for a request that asked for raw data; null (every chunk with data, the stream's default)
    /// for one that asked for none, so most streams make no delegate for it.
    /// </summary>
    public Func<ProviderStreamChunk, bool>? ChunkFilter => this == None ? null : Shows;

    /// <summary>Whether a stream chunk is sent: when it carries data, or raw data the request asked for.</summary>
    public bool Shows(ProviderStreamChunk chunk) =>
        chunk.HasData || ((RawResponse || OriginalResponse) && chunk.RawChunk.Length > 0) || (RawUsage && chunk.RawUsage is not null);

    /// <summary>The chunk as received, redacted; null when the provider sent no raw data with it.</summary>
    public string? RawChunk(ProviderStreamChunk chunk) => chunk.RawChunk.Length == 0 ? null : Redact(chunk.RawChunk, chunk.Secrets);

    /// <summary>Writes a stream chunk's <c>raw_usage</c> (one entry, the streamed model inference's) when asked for and present.</summary>
    public void WriteChunkUsage(Utf8JsonWriter writer, string propertyName, ModelStreamRun run, ProviderStreamChunk chunk)
    {
        if (!RawUsage || chunk.RawUsage is not { } usage)
        {
            return;
        }
        writer.WriteStartArray(propertyName);
        WriteUsageEntry(writer, run.ModelInferenceId, run.ProviderType, usage, chunk.Secrets);
        writer.WriteEndArray();
    }

    /// <summary>Writes a stream chunk's raw data: <c>original_chunk</c> and <c>raw_chunk</c> under the API's names, as asked for.</summary>
    public void WriteChunkRaw(Utf8JsonWriter writer, string originalName, string rawName, ProviderStreamChunk chunk)
    {
        if (!(RawResponse || OriginalResponse) || RawChunk(chunk) is not { } raw)
        {
            return;
        }
        if (OriginalResponse)
        {
            writer.WriteString(originalName, raw);
        }
        if (RawResponse)
        {
            writer.WriteString(rawName, raw);
        }
    }

    /// <summary>Adds the raw provider event behind a mid-stream error (<c>raw_chunk</c>), when asked for and known; it was redacted where it was made.</summary>
    public void WriteErrorRaw(Utf8JsonWriter writer, string rawName, GatewayError error)
    {
        if (RawResponse && error.RawResponse is { } raw)
        {
            writer.WriteString(rawName, raw);
        }
    }

    private void AddModelEntries(List<RawResponseEntry> entries, ModelResult model)
    {
        entries.AddRange(model.FailedRawResponses);
        var response = model.Response;
        if (response.CachedUsage is not null)
        {
            return; // As TensorZero: an answer from the inference cache has no raw response entry.
        }
        entries.Add(new RawResponseEntry(
            model.ModelInferenceId,
            model.ProviderType,
            response.RawUsage?.ApiType ?? RawResponseEntry.ChatCompletions,
            Redact(response.RawResponse, response.Secrets)));
    }

    private void WriteUsageEntry(Utf8JsonWriter writer, Guid modelInferenceId, string providerType, RawUsage usage, SecretScope? secrets)
    {
        writer.WriteStartObject();
        writer.WriteString("model_inference_id"u8, modelInferenceId);
        writer.WriteString("provider_type"u8, providerType);
        writer.WriteString("api_type"u8, usage.ApiType);
        writer.WritePropertyName("data"u8);
        WriteRedactedJson(writer, usage.Data, secrets);
        writer.WriteEndObject();
    }

    // A usage object is provider JSON too: written as is unless redaction changed it, then as redacted JSON (or, should
    // the redaction have broken it, as a string).
    private void WriteRedactedJson(Utf8JsonWriter writer, JsonNode? data, SecretScope? secrets)
    {
        if (data is null)
        {
            writer.WriteNullValue();
            return;
        }
        var text = data.ToJsonString();
        var redacted = Redact(text, secrets);
        if (ReferenceEquals(text, redacted) || string.Equals(text, redacted, StringComparison.Ordinal))
        {
            data.WriteTo(writer);
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(redacted);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(redacted);
        }
    }

    private string Redact(string text, SecretScope? providerScope) => (providerScope ?? _secrets).Redact(text);
}

/// <summary>A chunk a stream sends before the provider's: raw usage of <see cref="UsageOf"/>, or <see cref="Responses"/>.</summary>
public sealed record RawPreludeChunk(IReadOnlyList<ModelResult>? UsageOf, IReadOnlyList<RawResponseEntry>? Responses);
