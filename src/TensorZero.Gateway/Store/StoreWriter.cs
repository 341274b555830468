using System.Threading.Channels;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Store;

/// <summary>
/// The write queue: rows wait in a bounded in-memory queue and a background loop writes them in batches. An inference
/// never waits for the database: past the bound a row is dropped and counted. A batch that fails is retried (with
/// growing pauses) until the database answers again. Stopping writes what is queued, within the host's shutdown timeout.
/// </summary>
public sealed partial class StoreWriter : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRetryPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(5);

    private readonly IInferenceStore _store;
    private readonly ObservabilityConfig _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<StoreWriter> _logger;
    private readonly Channel<(StoredRow Row, SecretScope Scope)> _queue;
    private readonly CancellationTokenSource _abandon = new();
    private Task? _loop;
    private long _dropped;
    private long _written;
    // Rows queued and not yet taken into a batch, and the wait for a batch to fill (set while the loop waits): a
    // full batch is written at once rather than after the rest of the interval.
    private int _queued;
    private TaskCompletionSource? _batchFull;
    private volatile bool _stopping;
    private long _lastDropLog = long.MinValue;

    public StoreWriter(IInferenceStore store, ObservabilityConfig settings, TimeProvider time, ILogger<StoreWriter> logger)
    {
        _store = store;
        _settings = settings;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<(StoredRow, SecretScope)>(
            new BoundedChannelOptions(settings.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public IInferenceStore Store => _store;

    /// <summary>Inferences queued but not yet written: <c>/feedback</c> counts them as existing.</summary>
    public Feedback.PendingInferences Pending { get; } = new();

    /// <summary>Rows dropped because the queue was full, since start.</summary>
    public long DroppedRows => Interlocked.Read(ref _dropped);

    /// <summary>Rows committed to the database, since start.</summary>
    public long WrittenRows => Interlocked.Read(ref _written);

    /// <summary>Rows waiting to be written.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Whether the last write attempt failed (the database is down or refusing rows).</summary>
    public bool Failing { get; private set; }

    /// <summary>
    /// Queues rows; their text is redacted with <paramref name="scope"/> (the request's keys and every static one)
    /// before it is written. Never waits: a full queue drops the rows, counts and (at most every 10 s) logs it.
    /// </summary>
    public void Enqueue(SecretScope scope, params ReadOnlySpan<StoredRow> rows)
    {
        foreach (var row in rows)
        {
            // Marked pending before it is queued, so the loop can't write (and unmark) it first.
            Pending.Add(row);
            if (_queue.Writer.TryWrite((row, scope)))
            {
                if (Interlocked.Increment(ref _queued) >= _settings.MaxRows)
                {
                    Volatile.Read(ref _batchFull)?.TrySetResult();
                }
                continue;
            }
            Pending.Remove(row);
            var dropped = Interlocked.Increment(ref _dropped);
            var now = _time.GetTimestamp();
            var last = Interlocked.Read(ref _lastDropLog);
            if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= DropLogInterval) &&
                Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
            {
                LogDropped(_settings.QueueCapacity, dropped);
            }
        }
    }

    /// <summary>Writes what is queued; when <paramref name="cancellationToken"/> (the shutdown timeout) fires first, gives up and says how many rows were lost.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        // What is queued is written now, not after the rest of the interval.
        _stopping = true;
        Interlocked.MemoryBarrier();
        Volatile.Read(ref _batchFull)?.TrySetResult();
        if (_loop is null)
        {
            return;
        }
        if (!Prepared && _queue.Reader.Count == 0)
        {
            // Still no database and nothing queued: nothing to wait for.
            await _abandon.CancelAsync().ConfigureAwait(false);
            return;
        }
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            LogLostAtShutdown(_queue.Reader.Count);
        }
    }

    private async Task RunAsync(CancellationToken abandon)
    {
        var batch = new List<StoredRow>(_settings.MaxRows);
        try
        {
            if (!Prepared)
            {
                await AwaitPreparedAsync(abandon).ConfigureAwait(false);
            }
            while (await _queue.Reader.WaitToReadAsync(abandon).ConfigureAwait(false))
            {
                // After a PostgreSQL write this may be a socket thread (inline completions): a batch's redaction and
                // inserts belong on the pool, not ahead of the requests whose sockets share that thread.
                if (Hosting.SocketCompletions.ShouldLeave())
                {
                    await Task.Yield();
                }
                // A partial batch waits a little for more rows, so a burst goes in one transaction.
                if (_queue.Reader.Count < _settings.MaxRows && !_queue.Reader.Completion.IsCompleted)
                {
                    await WaitForBatchAsync(abandon).ConfigureAwait(false);
                }
                while (batch.Count < _settings.MaxRows && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(RowRedaction.Redact(item.Row, item.Scope));
                }
                Interlocked.Add(ref _queued, -batch.Count);
                await WriteWithRetryAsync(batch, abandon).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Shutdown timed out: StopAsync reports what was lost.
        }
    }

    // Waits until `max_rows` rows are queued, the flush interval has passed (TensorZero's batching: whichever comes
    // first), or the writer is stopping. Under load a batch fills long before the interval ends, and its rows then
    // wait no longer than it takes to fill.
    private async Task WaitForBatchAsync(CancellationToken abandon)
    {
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A full fence: the checks below can't be read before the wait is published (an enqueue or a stop that
        // misses the wait would cost a batch the rest of its interval, not its rows).
        Interlocked.Exchange(ref _batchFull, full);
        try
        {
            // Rows queued, or a stop begun, before the wait was published didn't see it.
            if (Volatile.Read(ref _queued) >= _settings.MaxRows || _stopping)
            {
                return;
            }
            using var interval = CancellationTokenSource.CreateLinkedTokenSource(abandon);
            var elapsed = Task.Delay(TimeSpan.FromMilliseconds(_settings.FlushIntervalMs), _time, interval.Token);
            if (await Task.WhenAny(elapsed, full.Task).ConfigureAwait(false) == elapsed)
            {
                // Throws when the writer is abandoned.
                await elapsed.ConfigureAwait(false);
            }
            else
            {
                // The batch is full: the interval's timer is let go.
                await interval.CancelAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _batchFull, null);
        }
    }

    private async Task WriteWithRetryAsync(List<StoredRow> batch, CancellationToken abandon)
    {
        var pause = FirstRetryPause;
        var retriedWhole = false;
        while (true)
        {
            try
            {
                await _store.WriteAsync(batch, abandon).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count);
                batch.ForEach(Pending.Remove);
                Recovered(batch.Count);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
            {
                if (batch.Count > 1 && await AnswersAsync(abandon).ConfigureAwait(false))
                {
                    // The database answers. Just after an outage a batch can meet a connection the outage broke: it is
                    // tried once more whole. Refused again, it is written row by row, so one bad row can't hold up the rest.
                    if (!retriedWhole)
                    {
                        retriedWhole = true;
                        continue;
                    }
                    Recovered(await WriteEachAsync(batch, abandon).ConfigureAwait(false));
                    return;
                }
                if (!Failing)
                {
                    Failing = true;
                    // The exception's type only: a driver's message may quote the connection string.
                    LogWriteFailed(_store.Name, e.GetType().Name, batch.Count);
                }
                await Task.Delay(pause, _time, abandon).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxRetryPause.Ticks));
            }
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken abandon)
    {
        try
        {
            await _store.PingAsync(abandon).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
        {
            return false;
        }
    }

    // The end of an outage, if there was one: logged once, with the rows the write that ended it wrote.
    private void Recovered(int rows)
    {
        if (Failing)
        {
            Failing = false;
            LogRecovered(rows);
        }
    }

    // The rows written; each refused one is counted as dropped and logged.
    private async Task<int> WriteEachAsync(List<StoredRow> batch, CancellationToken abandon)
    {
        var written = 0;
        foreach (var row in batch)
        {
            try
            {
                await _store.WriteAsync([row], abandon).ConfigureAwait(false);
                Interlocked.Increment(ref _written);
                written++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
            {
                Interlocked.Increment(ref _dropped);
                LogRowRefused(_store.Name, row.GetType().Name, e.GetType().Name);
            }
            Pending.Remove(row);
        }
        return written;
    }

    public async ValueTask DisposeAsync()
    {
        await _abandon.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _abandon.Dispose();
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store write queue is full ({Capacity} rows): rows are being dropped ({Dropped} dropped since start)")]
    private partial void LogDropped(int capacity, long dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store: writing to {Engine} failed ({ErrorType}); {Rows} rows are held and retried until it answers")]
    private partial void LogWriteFailed(string engine, string errorType, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store: {Engine} refused a {RowType} ({ErrorType}); the row is dropped")]
    private partial void LogRowRefused(string engine, string rowType, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: the database answers again; {Rows} held rows written")]
    private partial void LogRecovered(int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store: shutdown timed out with {Rows} rows still queued; they are lost")]
    private partial void LogLostAtShutdown(int rows);
}
