using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Functions;

/// <summary>
/// How a variant of an inference-time optimization type answers in place of one model call (best-of-N, mixture-of-N,
/// chain of thought). Built once at startup with what the variant needs (its candidates, its evaluator or fuser);
/// applies the variant's own <c>timeouts</c>.
/// </summary>
public interface IVariantStrategy
{
    Task<ModelResult> InferAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken);

    /// <summary>Starts a stream whose first chunk has arrived, as <see cref="ModelStreamRun"/> promises.</summary>
    Task<ModelStreamRun> StreamAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken);
}

/// <summary>The inference in progress, as a variant strategy sees it.</summary>
/// <param name="RunVariant">Runs a whole variant of the function (a candidate): its timeouts, retries and own strategy.</param>
/// <param name="Prepare">
/// The model request a chat-completion table would send for a request: its model, prompts rendered with its templates,
/// its sampling parameters and extras, the request's tools and output schema.
/// </param>
public sealed record VariantCall(
    FunctionRuntime Function,
    InferenceRequest Request,
    RequestTools Tools,
    Func<VariantRuntime, InferenceRequest, CancellationToken, Task<ModelResult>> RunVariant,
    Func<VariantRuntime, InferenceRequest, (Model Model, ModelRequest Request)> Prepare);
