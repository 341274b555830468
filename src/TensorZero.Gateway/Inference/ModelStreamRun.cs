using System.Runtime.CompilerServices;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference.Routing;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// A started provider stream whose first chunk has arrived (so routing and variant fallback are settled). Reading it
/// yields that chunk and the rest; disposing it aborts the upstream request. The provider's own timeouts and failure
/// translation wrap the provider (<see cref="RoutedProvider.Pipeline"/>); the run holds the model's and the variant's
/// deadlines, adopted as it is handed up.
/// </summary>
public sealed class ModelStreamRun : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ProviderStreamChunk> _chunks;
    private readonly ProviderStreamChunk _first;
    private readonly List<(StreamDeadline Deadline, string Owner)> _deadlines = [];
    private Func<ProviderStreamChunk, ProviderStreamChunk>? _map;

    private ModelStreamRun(
        string modelName, string providerName, string providerType, Guid modelInferenceId, IAsyncEnumerator<ProviderStreamChunk> chunks, ProviderStreamChunk first)
    {
        ModelName = modelName;
        ProviderName = providerName;
        ProviderType = providerType;
        ModelInferenceId = modelInferenceId;
        _chunks = chunks;
        _first = first;
    }

    /// <summary>Takes ownership of an enclosing (model or variant) deadline whose first chunk has now arrived.</summary>
    internal void Adopt(StreamDeadline deadline, string owner)
    {
        deadline.FirstChunkArrived();
        _deadlines.Add((deadline, owner));
    }

    /// <summary>The timeout error for a deadline that expired, in TensorZero's wording.</summary>
    internal static GatewayError TimeoutError(StreamDeadline deadline, string owner) =>
        new(ErrorKind.Timeout, $"{owner} timed out due to configured `{deadline.ExpiredSetting}` timeout ({deadline.ExpiredMilliseconds} ms)");

    public string ModelName { get; }

    public string ProviderName { get; }

    /// <summary>The TOML <c>type</c> of the provider streaming (<c>provider_type</c> of raw entries).</summary>
    public string ProviderType { get; }

    /// <summary>This model inference's id, as <c>raw_usage</c> entries name it.</summary>
    public Guid ModelInferenceId { get; }

    /// <summary>Raw answers of the attempts that failed before this stream started (earlier providers, retries), oldest first.</summary>
    public IReadOnlyList<RawResponseEntry> FailedRawResponses { get; internal set; } = [];

    /// <summary>This model's providers that failed before this one started streaming, oldest first.</summary>
    public IReadOnlyList<FailedAttempt> FailedAttempts { get; internal set; } = [];

    /// <summary>
    /// Model calls whose answers went into this stream before it started (mixture-of-N's candidates; for an answer
    /// sent whole, the other candidates and the evaluator): their raw usage and raw responses go ahead of its chunks.
    /// </summary>
    public IReadOnlyList<ModelResult> PreviousModelResults { get; internal set; } = [];

    /// <summary>Sees each chunk read and the stream's normal end (the store records the inference then).</summary>
    public Store.ModelStreamObserver? Observer { get; set; }

    /// <summary>
    /// A run over chunks already in hand: an answer that was computed whole (best-of-N, mixture-of-N, chain of
    /// thought) sent as a stream, under the model inference that gave it.
    /// </summary>
    internal static ModelStreamRun FromChunks(
        string modelName, string providerName, IReadOnlyList<ProviderStreamChunk> chunks, string providerType = "", Guid modelInferenceId = default)
    {
        var rest = Enumerate(chunks.Skip(1)).GetAsyncEnumerator();
        return new ModelStreamRun(modelName, providerName, providerType, modelInferenceId, rest, chunks[0]);

        static async IAsyncEnumerable<ProviderStreamChunk> Enumerate(IEnumerable<ProviderStreamChunk> items)
        {
            foreach (var item in items)
            {
                yield return item;
            }
            await Task.CompletedTask.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Rewrites every chunk as it is read (after any rewrite set before), e.g. to add usage of earlier model calls, or
    /// to turn tool calls into text for a chat function's <c>json_mode = "tool"</c>.
    /// </summary>
    internal void MapChunks(Func<ProviderStreamChunk, ProviderStreamChunk> map)
    {
        var before = _map;
        _map = before is null ? map : chunk => map(before(chunk));
    }


    /// <summary>Starts the provider's stream and waits for its first chunk.</summary>
    internal static async Task<ModelStreamRun> StartAsync(
        string modelName,
        RoutedProvider routed,
        ModelRequest request,
        RequestCredentials credentials,
        Guid modelInferenceId,
        CancellationToken cancellationToken)
    {
        var chunks = routed.Pipeline.StreamAsync(request, credentials, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            if (!await chunks.MoveNextAsync().ConfigureAwait(false))
            {
                throw new GatewayError(ErrorKind.ProviderServer, $"Model provider {routed.Name} ended its stream without any chunk");
            }
            return new ModelStreamRun(modelName, routed.Name, routed.Provider.Type, modelInferenceId, chunks, chunks.Current);
        }
        catch
        {
            await chunks.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The first chunk, then the rest. A timeout or provider failure mid-stream throws a <see cref="GatewayError"/>.</summary>
    public async IAsyncEnumerable<ProviderStreamChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = _map is null ? _first : _map(_first);
        Observer?.OnChunk(first);
        yield return first;
        while (true)
        {
            bool more;
            try
            {
                more = await _chunks.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_deadlines.Any(d => d.Deadline.Expired))
            {
                var (deadline, owner) = _deadlines.First(d => d.Deadline.Expired);
                throw TimeoutError(deadline, owner);
            }
            if (!more)
            {
                Observer?.OnCompleted();
                yield break;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = _map is null ? _chunks.Current : _map(_chunks.Current);
            Observer?.OnChunk(chunk);
            yield return chunk;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _chunks.DisposeAsync().ConfigureAwait(false);
        foreach (var (deadline, _) in _deadlines)
        {
            deadline.Dispose();
        }
    }
}

/// <summary>Cancels a stream when its time to first chunk or its total time runs out, and says which one did.</summary>
internal sealed class StreamDeadline : IDisposable
{
    // Both null when neither limit is set (the common case): the outer token is used as it is, with no timer or
    // linked source made per stream, as a non-streamed call's Deadline does.
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _outer;
    private readonly long? _totalMs;
    private readonly long _startTimestamp;
    private readonly TimeProvider _time;
    private bool _firstChunk;

    public StreamDeadline(TimeProvider time, long? ttftMs, long? totalMs, CancellationToken outer)
    {
        _time = time;
        _outer = outer;
        _totalMs = totalMs;
        _startTimestamp = time.GetTimestamp();
        TtftMs = ttftMs;
        if (ttftMs is null && totalMs is null)
        {
            return;
        }
        _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _timer.Token);
        var first = ttftMs is { } ttft && (totalMs is null || ttft < totalMs) ? ttft : totalMs!.Value;
        _timer.CancelAfter(TimeSpan.FromMilliseconds(first));
    }

    public long? TtftMs { get; }

    public CancellationToken Token => _linked?.Token ?? _outer;

    public bool Expired => _timer is { IsCancellationRequested: true } && !_outer.IsCancellationRequested;

    public string ExpiredSetting => !_firstChunk && TtftMs is { } ttft && (_totalMs is null || ttft <= _totalMs) ? "streaming.ttft_ms" : "streaming.total_ms";

    public long? ExpiredMilliseconds => ExpiredSetting == "streaming.ttft_ms" ? TtftMs : _totalMs;

    /// <summary>The time-to-first-chunk limit no longer applies; only the total remains.</summary>
    public void FirstChunkArrived()
    {
        _firstChunk = true;
        if (_timer is null || _timer.IsCancellationRequested)
        {
            return;
        }
        if (_totalMs is { } total)
        {
            var remaining = TimeSpan.FromMilliseconds(total) - _time.GetElapsedTime(_startTimestamp);
            _timer.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }
        else
        {
            _timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _linked?.Dispose();
        _timer?.Dispose();
    }
}
