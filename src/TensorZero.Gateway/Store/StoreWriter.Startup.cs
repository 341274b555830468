using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Store;

/// <summary>The writer's start: the schema step, and waiting for a database server that isn't up yet.</summary>
public sealed partial class StoreWriter
{
    private bool _prepared;

    /// <summary>
    /// Whether the schema is checked (and migrated); false while a database server that didn't answer at startup is
    /// awaited, when <c>/health</c> reports the store failing.
    /// </summary>
    public bool Prepared => Volatile.Read(ref _prepared);

    /// <summary>
    /// Migrates (or checks) the schema, then starts writing. A schema this gateway can't use stops startup, and so does
    /// an SQLite file that can't be opened. A database server that doesn't answer (PostgreSQL starting after the
    /// gateway) doesn't: inferences are served, <c>/health</c> reports the store failing, rows queue, and the writer
    /// prepares the schema as soon as the server answers.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreSchemaException e)
        {
            throw new ConfigException([$"`gateway.observability`: {e.Message}"]);
        }
        catch (Exception e) when (IsUnreachable(e) && _store.IsServer)
        {
            // The exception's type only: a driver's message may quote the connection string.
            LogAwaitingDatabase(_store.Name, e.GetType().Name);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw new ConfigException([$"`gateway.observability`: the {_store.Name} database can't be reached or prepared ({e.GetType().Name}); " +
                "fix it, or set `[gateway.observability] enabled = false`"]);
        }
        _loop = Task.Run(() => RunAsync(_abandon.Token), CancellationToken.None);
    }

    private static bool IsUnreachable(Exception e) =>
        e is System.Data.Common.DbException or IOException or TimeoutException or System.Net.Sockets.SocketException;

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await _store.PrepareAsync(!_settings.DisableAutomaticMigrations, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _prepared, true);
    }

    // The server didn't answer at startup: try again with the write loop's growing pauses. A schema it can't use is
    // logged (each new message once) and tried again too, in case it is migrated meanwhile; rows wait in the queue.
    private async Task AwaitPreparedAsync(CancellationToken abandon)
    {
        var pause = FirstRetryPause;
        string? schemaProblem = null;
        while (true)
        {
            await Task.Delay(pause, _time, abandon).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxRetryPause.Ticks));
            try
            {
                await PrepareAsync(abandon).ConfigureAwait(false);
                LogDatabaseAnswers(_store.Name, SchemaMigrations.Latest, _queue.Reader.Count);
                return;
            }
            catch (StoreSchemaException e)
            {
                if (e.Message != schemaProblem)
                {
                    schemaProblem = e.Message;
                    LogSchemaUnusable(e.Message);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !abandon.IsCancellationRequested)
            {
                // Still down: startup said so already.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store: the {Engine} database can't be reached ({ErrorType}); the gateway starts without it, /health answers 503 and rows are queued until it answers")]
    private partial void LogAwaitingDatabase(string engine, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: the {Engine} database answers; schema at version {Version}, writing {Rows} queued rows")]
    private partial void LogDatabaseAnswers(string engine, int version, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store: {Problem}; nothing is written until it is fixed")]
    private partial void LogSchemaUnusable(string problem);
}
