using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store;

/// <summary>
/// Turns a finished inference into rows and queues them: one call per path (a non-streamed result; a stream, recorded
/// when it completes). Storage off or a <c>dryrun</c> request: nothing is queued.
/// </summary>
public sealed class InferenceRecorder(StoreWriter? writer, SecretRegistry secrets, TimeProvider time)
{
    public bool Enabled => writer is not null;

    public void Record(InferenceRequest request, InferenceResult result)
    {
        if (writer is null || request.Dryrun)
        {
            return;
        }
        var now = time.GetUtcNow();
        var elapsed = Elapsed(result.InferenceId, now);
        // The input's messages as JSON, made once: every model row stores them, and the inference row's input holds them.
        var messages = RowJson.Messages(request.Input.Messages);
        var inference = InferenceRowOf(request, messages, result.InferenceId, result.EpisodeId, result.VariantName, result.FunctionType,
            RowJson.Output(result), result.Schemas, result.VariantParams, elapsed, null, now);
        var scope = secrets.Scope(request.Credentials);
        if (result.Model is { OtherModelResults.Count: 0, FailedAttempts.Count: 0 } only)
        {
            // The common case, one model call that answered first: its two rows are queued without a list.
            writer.Enqueue(scope, inference, ModelRowOf(request, messages, result.InferenceId, only, elapsed, now));
            return;
        }
        var rows = new List<StoredRow> { inference };
        // Every model call that went into the answer (best-of-N's candidates and judge, mixture-of-N's candidates and
        // fuser) has its row, as in TensorZero; so has every provider that failed before one answered. A cache hit
        // stores the tokens of the call it replays, and says it was cached.
        foreach (var model in result.Model.AllModelResults())
        {
            AddModelRows(rows, request, messages, result.InferenceId, model, ReferenceEquals(model, result.Model) ? elapsed : null, now);
        }
        writer.Enqueue(scope, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
    }

    // One model call's row, after a row for each of its model's providers that failed before it.
    private static void AddModelRows(
        List<StoredRow> rows, InferenceRequest request, string messages, Guid inferenceId, ModelResult model, long? elapsed, DateTimeOffset now)
    {
        AddFailedRows(rows, request, messages, inferenceId, model.FailedAttempts, now);
        rows.Add(ModelRowOf(request, messages, inferenceId, model, elapsed, now));
    }

    private static ModelInferenceRow ModelRowOf(
        InferenceRequest request, string messages, Guid inferenceId, ModelResult model, long? elapsed, DateTimeOffset now)
    {
        var answer = model.Response;
        var usage = answer.CachedUsage ?? model.OwnUsage ?? answer.Usage;
        return new ModelInferenceRow(
            UuidV7.New(now), inferenceId, answer.RawRequest, answer.RawResponse, request.Input.System,
            messages, RowJson.Content(answer.Content), usage.InputTokens, usage.OutputTokens, elapsed,
            model.ModelName, model.ProviderName, null,
            answer.FinishReason is { } finish ? InferenceResponseWriter.FinishReasonName(finish) : null, null, now)
        {
            Cached = answer.CachedUsage is not null,
        };
    }

    private static Usage Minus(Usage total, IEnumerable<Usage> parts)
    {
        var (input, output) = (total.InputTokens, total.OutputTokens);
        foreach (var part in parts)
        {
            input = input - part.InputTokens;
            output = output - part.OutputTokens;
        }
        return new Usage(input, output);
    }

    private static void AddFailedRows(
        List<StoredRow> rows, InferenceRequest request, string messages, Guid inferenceId, IReadOnlyList<FailedAttempt> attempts, DateTimeOffset now)
    {
        foreach (var a in attempts)
        {
            rows.Add(new ModelInferenceRow(UuidV7.New(now), inferenceId, a.RawRequest ?? string.Empty, a.RawResponse ?? string.Empty,
                request.Input.System, messages, "[]", null, null, a.ResponseTimeMs, a.ModelName, a.ProviderName,
                null, null, a.Error, now));
        }
    }

    /// <summary>Watches a stream as the client reads it; its rows are queued when the provider's stream ends normally.</summary>
    public void Observe(InferenceRequest request, InferenceStreamResult stream)
    {
        if (writer is null || request.Dryrun)
        {
            return;
        }
        // The first chunk has arrived when the stream is handed over: that is the time to first token.
        var ttft = Elapsed(stream.InferenceId, time.GetUtcNow());
        var collected = new StreamCollector();
        stream.Run.Observer = new ModelStreamObserver(collected.Add, () =>
        {
            var now = time.GetUtcNow();
            var elapsed = Elapsed(stream.InferenceId, now);
            // A chat function's output is its content: made once for both rows.
            var content = collected.Content();
            var output = stream.FunctionType == FunctionType.Json ? collected.JsonOutput() : content;
            var messages = RowJson.Messages(request.Input.Messages);
            var inference = InferenceRowOf(request, messages, stream.InferenceId, stream.EpisodeId, stream.VariantName, stream.FunctionType,
                output, stream.Schemas, stream.VariantParams, elapsed, ttft, now);
            // The calls made before the stream (mixture-of-N's candidates, best-of-N's) have rows of their own; the
            // streamed usage includes theirs, so the streamed call's row keeps the rest.
            var previous = stream.Run.PreviousModelResults.SelectMany(m => m.AllModelResults()).ToList();
            var rows = new List<StoredRow> { inference };
            foreach (var model in previous)
            {
                AddModelRows(rows, request, messages, stream.InferenceId, model, null, now);
            }
            var usage = Minus(collected.Usage, previous.Select(m => m.Response.CachedUsage ?? m.OwnUsage ?? m.Response.Usage));
            AddFailedRows(rows, request, messages, stream.InferenceId, stream.Run.FailedAttempts, now);
            rows.Add(new ModelInferenceRow(UuidV7.New(now), stream.InferenceId, collected.RawRequest, collected.RawResponse(),
                request.Input.System, messages, content, usage.InputTokens,
                usage.OutputTokens, elapsed, stream.Run.ModelName, stream.Run.ProviderName, ttft,
                collected.FinishReason is { } finish ? InferenceResponseWriter.FinishReasonName(finish) : null, null, now)
            {
                Cached = collected.Cached,
            });
            writer.Enqueue(secrets.Scope(request.Credentials), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        });
    }

    private static InferenceRow InferenceRowOf(
        InferenceRequest request, string messages, Guid id, Guid episodeId, string variant, FunctionType type, string output,
        ResponseSchemas schemas, InferenceParams variantParams, long? elapsed, long? ttft, DateTimeOffset now)
    {
        var json = type == FunctionType.Json;
        return new InferenceRow(id, episodeId, request.FunctionName ?? InferenceService.DefaultFunctionName, variant, json ? "json" : "chat",
            RowJson.Input(request.Input, messages), output,
            json ? null : StoredToolParams.Column(request, schemas),
            json ? (schemas.OutputSchema?.Node?.ToJsonString() ?? "{}") : null,
            RowJson.Params(variantParams, request.Params, request.JsonMode),
            RowJson.Tags(request.Tags), elapsed, ttft, now);
    }

    // Ids are UUIDv7, stamped when the request began: the processing time is the time since.
    private static long Elapsed(Guid id, DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }
        return Math.Max(0, now.ToUnixTimeMilliseconds() - ms);
    }

    /// <summary>Gathers a stream's deltas into blocks, in the order their ids first appeared.</summary>
    private sealed class StreamCollector
    {
        private readonly List<(string Id, string Kind, StringBuilder Text, string? Name)> _blocks = [];
        private readonly List<string> _raw = [];
        private string? _rawRequest;
        private string? _wholeRawResponse;

        public Usage Usage { get; private set; } = Usage.Unknown;

        public FinishReason? FinishReason { get; private set; }

        /// <summary>Whether the chunks were replayed from the inference cache.</summary>
        public bool Cached { get; private set; }

        /// <summary>The body sent to the provider, from the call's first chunk.</summary>
        public string RawRequest => _rawRequest ?? string.Empty;

        public void Add(ProviderStreamChunk chunk)
        {
            Cached |= chunk.CachedUsage is not null;
            _rawRequest ??= chunk.RawRequest;
            _wholeRawResponse ??= chunk.WholeRawResponse;
            _raw.Add(chunk.RawChunk);
            foreach (var delta in chunk.Content)
            {
                var (kind, text, name) = delta switch
                {
                    TextDelta t => ("text", t.Text, null),
                    ToolCallDelta c => ("tool_call", c.ArgumentsDelta, c.Name),
                    ThoughtDelta t => ("thought", t.Text ?? string.Empty, null),
                    _ => ("unknown", string.Empty, (string?)null),
                };
                var index = IndexOf(delta.Id, kind);
                if (index < 0)
                {
                    _blocks.Add((delta.Id, kind, new StringBuilder(text), name));
                }
                else
                {
                    _blocks[index].Text.Append(text);
                    if (name is not null && _blocks[index].Name is null)
                    {
                        _blocks[index] = _blocks[index] with { Name = name };
                    }
                }
            }
            if ((chunk.CachedUsage ?? chunk.Usage) is { } usage)
            {
                Usage = new Usage(usage.InputTokens ?? Usage.InputTokens, usage.OutputTokens ?? Usage.OutputTokens);
            }
            FinishReason = chunk.FinishReason ?? FinishReason;
        }

        // A loop, not FindIndex with a lambda: that made a closure for every delta of every chunk.
        private int IndexOf(string id, string kind)
        {
            for (var i = 0; i < _blocks.Count; i++)
            {
                if (_blocks[i].Id == id && _blocks[i].Kind == kind)
                {
                    return i;
                }
            }
            return -1;
        }

        public string RawResponse() => _wholeRawResponse ?? string.Join('\n', _raw);

        public string Content() => RowJson.Content(Blocks());

        /// <summary>A JSON function's output: the raw text and its parse.</summary>
        public string JsonOutput()
        {
            var raw = string.Concat(_blocks.Where(b => b.Kind is "text" or "tool_call").Select(b => b.Text.ToString()));
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(raw);
            }
            catch (JsonException)
            {
                parsed = null;
            }
            return new JsonObject { ["raw"] = raw, ["parsed"] = parsed }.ToJsonString();
        }

        private List<ContentBlock> Blocks() => _blocks.Select(b => b.Kind switch
        {
            "tool_call" => (ContentBlock)new ToolCallBlock(b.Id, b.Name ?? string.Empty, b.Text.ToString()),
            "thought" => new ThoughtBlock(b.Text.ToString()),
            _ => new TextBlock(b.Text.ToString()),
        }).ToList();
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(InferenceParams))]
internal sealed partial class StoreRowJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
