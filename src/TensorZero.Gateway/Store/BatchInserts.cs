namespace TensorZero.Gateway.Store;

/// <summary>
/// The INSERTs of one batch's transaction. A row is <see cref="Row"/>, then one typed value per parameter in the
/// statement's order, then <see cref="ExecuteAsync"/>; each statement is prepared once per batch and only rebound from
/// row to row. A value of the wrong kind, too many or too few values fail before anything runs.
/// </summary>
internal abstract class BatchInserts : IAsyncDisposable
{
    private InsertStatement? _statement;
    private int _next;

    /// <summary>Starts a row of <paramref name="statement"/>.</summary>
    public BatchInserts Row(InsertStatement statement)
    {
        if (_next != 0)
        {
            throw new InvalidOperationException("the previous row was bound but not executed");
        }
        _statement = statement;
        Select(statement);
        return this;
    }

    public BatchInserts Text(string? value)
    {
        var position = Next(ValueKind.Text);
        if (value is null)
        {
            BindNull(position);
        }
        else
        {
            BindText(position, value);
        }
        return this;
    }

    public BatchInserts Long(long? value)
    {
        var position = Next(ValueKind.Long);
        if (value is { } number)
        {
            BindLong(position, number);
        }
        else
        {
            BindNull(position);
        }
        return this;
    }

    public BatchInserts Double(double value)
    {
        BindDouble(Next(ValueKind.Double), value);
        return this;
    }

    public BatchInserts Bool(bool value)
    {
        BindBool(Next(ValueKind.Bool), value);
        return this;
    }

    public BatchInserts Id(Guid value)
    {
        BindId(Next(ValueKind.Id), value);
        return this;
    }

    public BatchInserts Time(DateTimeOffset value)
    {
        BindTime(Next(ValueKind.Time), value.ToUniversalTime());
        return this;
    }

    /// <summary>Runs the row's INSERT; every parameter must have its value.</summary>
    public Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var statement = _statement ?? throw new InvalidOperationException("no row was started");
        if (_next != statement.Parameters.Count)
        {
            throw new InvalidOperationException($"{_next} of the {statement.Parameters.Count} values of the row were bound");
        }
        _next = 0;
        return ExecuteSelectedAsync(cancellationToken);
    }

    private int Next(ValueKind kind)
    {
        var statement = _statement ?? throw new InvalidOperationException("no row was started");
        if (_next == statement.Parameters.Count)
        {
            throw new InvalidOperationException($"the row takes {statement.Parameters.Count} values; one more was bound");
        }
        var (name, expected) = statement.Parameters[_next];
        if (expected != kind)
        {
            throw new InvalidOperationException($"parameter @{name} takes a {expected} value, not a {kind}");
        }
        return _next++;
    }

    /// <summary>Makes <paramref name="statement"/> the one the next values bind to, preparing it on first use.</summary>
    protected abstract void Select(InsertStatement statement);

    protected abstract void BindNull(int position);

    protected abstract void BindText(int position, string value);

    protected abstract void BindLong(int position, long value);

    protected abstract void BindDouble(int position, double value);

    protected abstract void BindBool(int position, bool value);

    protected abstract void BindId(int position, Guid value);

    /// <summary>Binds a time, already in UTC.</summary>
    protected abstract void BindTime(int position, DateTimeOffset value);

    protected abstract Task ExecuteSelectedAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
