using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store.Feedback;

/// <summary>
/// Finds the inference or episode that feedback is about, with TensorZero's write window: rows are written in the
/// background, so a target younger than <see cref="CooldownPeriod"/> (by its UUIDv7 time) is looked for until then,
/// and any target for at least <see cref="MinimumWait"/>, before the answer is 404. A target still in this gateway's
/// write queue counts as existing at once.
/// </summary>
public sealed class FeedbackTargets(StoreWriter writer, TimeProvider time)
{
    /// <summary>How long after its id's time a target may take to be written (TensorZero's value).</summary>
    public static readonly TimeSpan CooldownPeriod = TimeSpan.FromSeconds(6);

    /// <summary>The shortest look for a missing target: its id's time is when its inference began, not when it ended.</summary>
    public static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);

    /// <summary>How often the database is asked again while waiting (a cheap indexed read).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How far ahead of this clock a target id may be (another replica's clock may run ahead).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromSeconds(1);

    public async Task<InferenceRow> InferenceAsync(Guid id, CancellationToken cancellationToken) =>
        await WaitAsync(id, "Inference", async token =>
            writer.Pending.Inference(id) ?? await writer.Store.GetInferenceAsync(id, token).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    public Task EpisodeAsync(Guid id, CancellationToken cancellationToken) =>
        WaitAsync(id, "Episode", async token =>
            writer.Pending.HasEpisode(id) || await writer.Store.EpisodeExistsAsync(id, token).ConfigureAwait(false) ? (object)true : null,
            cancellationToken);

    private async Task<T> WaitAsync<T>(Guid id, string kind, Func<CancellationToken, Task<T?>> find, CancellationToken cancellationToken)
        where T : class
    {
        var now = time.GetUtcNow();
        var age = now - IdTime(id);
        if (age < -FutureTolerance)
        {
            // No inference or episode here can have such an id (both are checked against this clock), so no waiting.
            throw GatewayError.InvalidRequest($"UUID is in the future: {id}");
        }
        var wait = CooldownPeriod - age;
        var deadline = now + (wait > MinimumWait ? wait : MinimumWait);
        while (true)
        {
            if (await FindAsync(find, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found;
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new GatewayError(ErrorKind.NotFound, $"{kind} ID: {id} does not exist");
            }
            await Task.Delay(left < PollInterval ? left : PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T?> FindAsync<T>(Func<CancellationToken, Task<T?>> find, CancellationToken cancellationToken)
    {
        try
        {
            return await find(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            // The exception's type only: a driver's message may quote the connection string.
            throw new GatewayError(ErrorKind.Internal, $"the {writer.Store.Name} database can't be read to find the feedback's target ({e.GetType().Name})");
        }
    }

    /// <summary>The time in a UUIDv7 (its first 48 bits, milliseconds since 1970); other versions have none and are refused.</summary>
    public static DateTimeOffset IdTime(Guid id)
    {
        if (id.Version != 7)
        {
            throw GatewayError.InvalidRequest($"Failed to parse UUID as v7: {id}");
        }
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long milliseconds = 0;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }
        // 48 bits of milliseconds reach past the year 9999, the last a DateTimeOffset holds.
        return milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }
}
