using System.Runtime.CompilerServices;
using System.Text.Json;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// A started provider stream whose first chunk has arrived (so routing and variant fallback are settled). Reading it
/// yields that chunk and the rest; disposing it aborts the upstream request.
/// </summary>
public sealed class ModelStreamRun : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ProviderStreamChunk> _chunks;
    private readonly ProviderStreamChunk _first;
    private readonly SecretScope _secrets;

    // The provider's own deadline first, then the model's and the variant's as the run is handed up.
    private readonly List<(StreamDeadline Deadline, string Owner)> _deadlines = [];

    private ModelStreamRun(
        string modelName,
        string providerName,
        IAsyncEnumerator<ProviderStreamChunk> chunks,
        StreamDeadline deadline,
        ProviderStreamChunk first,
        SecretScope secrets)
    {
        ModelName = modelName;
        ProviderName = providerName;
        _chunks = chunks;
        _deadlines.Add((deadline, $"Model provider {providerName}"));
        _first = first;
        _secrets = secrets;
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

    /// <summary>Starts the provider's stream and waits for its first chunk, within <c>streaming.ttft_ms</c>.</summary>
    /// <param name="secrets">The secrets in play (the request's credentials among them), redacted from failure messages.</param>
    internal static async Task<ModelStreamRun> StartAsync(
        string modelName,
        RoutedProvider routed,
        ModelRequest request,
        SecretScope secrets,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var timeouts = routed.Timeouts;
        var deadline = new StreamDeadline(time, timeouts?.StreamingTtftMs, timeouts?.StreamingTotalMs, cancellationToken);
        var chunks = routed.Provider.StreamAsync(request, secrets.Request, deadline.Token).GetAsyncEnumerator(deadline.Token);
        try
        {
            bool any;
            try
            {
                any = await chunks.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsProviderFailure(e, deadline, cancellationToken))
            {
                throw ProviderFailure(routed.Name, e, secrets);
            }
            if (!any)
            {
                throw new GatewayError(ErrorKind.ProviderServer, $"Model provider {routed.Name} ended its stream without any chunk");
            }
            deadline.FirstChunkArrived();
            return new ModelStreamRun(modelName, routed.Name, chunks, deadline, chunks.Current, secrets);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            await chunks.DisposeAsync().ConfigureAwait(false);
            deadline.Dispose();
            throw TimeoutError(deadline, $"Model provider {routed.Name}");
        }
        catch
        {
            await chunks.DisposeAsync().ConfigureAwait(false);
            deadline.Dispose();
            throw;
        }
    }

    // A provider that fails in a way its own code did not turn into a GatewayError (a reset connection, a body that
    // is not what it should be) still fails as a provider error; only the client going away or a deadline is not one.
    private static bool IsProviderFailure(Exception e, StreamDeadline deadline, CancellationToken clientToken) =>
        e is not GatewayError && !clientToken.IsCancellationRequested && !(e is OperationCanceledException && deadline.Expired);

    private static GatewayError ProviderFailure(string providerName, Exception e, SecretScope secrets)
    {
        var problem = e switch
        {
            OperationCanceledException => "the request timed out",
            HttpRequestException or IOException => $"the connection broke: {e.Message}",
            JsonException => "the provider sent invalid JSON",
            _ => $"the stream failed ({e.GetType().Name}): {e.Message}",
        };
        return new GatewayError(ErrorKind.ProviderServer, $"Error in stream of model provider {providerName}: {secrets.Redact(problem)}");
    }

    /// <summary>The first chunk, then the rest. A timeout or provider failure mid-stream throws a <see cref="GatewayError"/>.</summary>
    public async IAsyncEnumerable<ProviderStreamChunk> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return _first;
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
            // The provider's own deadline token is cancelled by anything outside too (the client leaving): that stays silent.
            catch (Exception e) when (e is not GatewayError && !cancellationToken.IsCancellationRequested && !_deadlines[0].Deadline.Token.IsCancellationRequested)
            {
                throw ProviderFailure(ProviderName, e, _secrets);
            }
            if (!more)
            {
                yield break;
            }
            cancellationToken.ThrowIfCancellationRequested();
            yield return _chunks.Current;
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
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;
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
        _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _timer.Token);
        var first = new[] { ttftMs, totalMs }.Where(v => v is not null).Min();
        if (first is { } ms)
        {
            _timer.CancelAfter(TimeSpan.FromMilliseconds(ms));
        }
        TtftMs = ttftMs;
    }

    public long? TtftMs { get; }

    public CancellationToken Token => _linked.Token;

    public bool Expired => _timer.IsCancellationRequested && !_outer.IsCancellationRequested;

    public string ExpiredSetting => !_firstChunk && TtftMs is { } ttft && (_totalMs is null || ttft <= _totalMs) ? "streaming.ttft_ms" : "streaming.total_ms";

    public long? ExpiredMilliseconds => ExpiredSetting == "streaming.ttft_ms" ? TtftMs : _totalMs;

    /// <summary>The time-to-first-chunk limit no longer applies; only the total remains.</summary>
    public void FirstChunkArrived()
    {
        _firstChunk = true;
        if (_timer.IsCancellationRequested)
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
        _linked.Dispose();
        _timer.Dispose();
    }
}
