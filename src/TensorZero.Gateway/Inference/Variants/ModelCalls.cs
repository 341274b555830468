using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// One model call of a chat-completion table (a chat-completion variant, an evaluator, a fuser, a chain-of-thought
/// variant), retried as its <c>retries</c> say; the raw answers of failed attempts go with the answer, or with the last
/// attempt's error.
/// </summary>
internal static class ModelCalls
{
    public static async Task<ModelResult> InferAsync(
        VariantRuntime table,
        Model model,
        ModelRequest request,
        RequestCredentials credentials,
        CancellationToken cancellationToken)
    {
        if (table.Retries is not { } pipeline)
        {
            return await model.InferAsync(request, credentials, cancellationToken).ConfigureAwait(false);
        }
        var attempts = new RetryAttempts();
        var result = await pipeline.ExecuteAsync(
            static async (state, token) => await state.attempts.RecordAsync(
                () => state.model.InferAsync(state.request, state.credentials, token)).ConfigureAwait(false),
            (model, request, credentials, attempts),
            cancellationToken).ConfigureAwait(false);
        return result with { FailedRawResponses = attempts.Before(result.FailedRawResponses) };
    }

    public static async Task<ModelStreamRun> StreamAsync(
        VariantRuntime table,
        Model model,
        ModelRequest request,
        RequestCredentials credentials,
        CancellationToken cancellationToken)
    {
        if (table.Retries is not { } pipeline)
        {
            return await model.StreamAsync(request, credentials, cancellationToken).ConfigureAwait(false);
        }
        var attempts = new RetryAttempts();
        var run = await pipeline.ExecuteAsync(
            static async (state, token) => await state.attempts.RecordAsync(
                () => state.model.StreamAsync(state.request, state.credentials, token)).ConfigureAwait(false),
            (model, request, credentials, attempts),
            cancellationToken).ConfigureAwait(false);
        run.FailedRawResponses = attempts.Before(run.FailedRawResponses);
        return run;
    }
}
