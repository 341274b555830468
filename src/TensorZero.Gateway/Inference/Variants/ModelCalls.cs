using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>One model call of a chat-completion table (an evaluator, a fuser, a chain-of-thought variant), retried as its <c>retries</c> say.</summary>
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
        return await pipeline.ExecuteAsync(
            static async (state, token) => await state.model.InferAsync(state.request, state.credentials, token).ConfigureAwait(false),
            (model, request, credentials),
            cancellationToken).ConfigureAwait(false);
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
        return await pipeline.ExecuteAsync(
            static async (state, token) => await state.model.StreamAsync(state.request, state.credentials, token).ConfigureAwait(false),
            (model, request, credentials),
            cancellationToken).ConfigureAwait(false);
    }
}
