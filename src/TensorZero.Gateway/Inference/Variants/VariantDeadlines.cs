using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// A best-of-N, mixture-of-N or chain-of-thought variant's own <c>timeouts</c>, around everything it runs (candidates,
/// evaluator, fuser, retries): <c>non_streaming.total_ms</c> for an answer, and for a stream <c>streaming.ttft_ms</c>
/// until its first chunk and <c>streaming.total_ms</c> to its end. Errors are worded as for a chat-completion variant.
/// </summary>
internal static class VariantDeadlines
{
    public static async Task<T> NonStreamingAsync<T>(VariantRuntime variant, TimeProvider time, Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        var limit = variant.Config.Timeouts?.NonStreamingTotalMs;
        using var deadline = Deadline.Start(limit, time, cancellationToken);
        try
        {
            return await run(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (deadline.Expired && e is OperationCanceledException or GatewayError)
        {
            throw new GatewayError(ErrorKind.Timeout, $"Variant `{variant.Name}` timed out due to configured `non_streaming.total_ms` timeout ({limit} ms)");
        }
    }

    /// <summary>Bounds the start of a stream (its first chunk) and hands the deadline to the run for the rest.</summary>
    public static async Task<ModelStreamRun> StreamingAsync(
        VariantRuntime variant,
        TimeProvider time,
        Func<CancellationToken, Task<ModelStreamRun>> start,
        CancellationToken cancellationToken)
    {
        var timeouts = variant.Config.Timeouts;
        var deadline = new StreamDeadline(time, timeouts?.StreamingTtftMs, timeouts?.StreamingTotalMs, cancellationToken);
        try
        {
            var run = await start(deadline.Token).ConfigureAwait(false);
            run.Adopt(deadline, $"Variant `{variant.Name}`");
            return run;
        }
        catch (Exception e) when (deadline.Expired && e is OperationCanceledException or GatewayError)
        {
            deadline.Dispose();
            throw ModelStreamRun.TimeoutError(deadline, $"Variant `{variant.Name}`");
        }
        catch
        {
            deadline.Dispose();
            throw;
        }
    }
}
