using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// Runs the candidates of a best-of-N or mixture-of-N variant at the same time, each as a whole variant (its own
/// timeouts, retries, and strategy when it is itself an optimization variant), never streamed. As in TensorZero, they
/// get the request without its <c>params</c> (sampling parameters and <c>json_mode</c>), and a failed candidate is left out.
/// </summary>
internal static class CandidateRunner
{
    /// <summary>The answers of the candidates that succeeded (in candidate order) and the failures, labelled <c>candidates[i] (name)</c>.</summary>
    public static async Task<(List<ModelResult> Answers, List<(string Label, GatewayError Error)> Failures)> RunAsync(
        IReadOnlyList<VariantRuntime> candidates,
        VariantCall call,
        CancellationToken cancellationToken)
    {
        var request = call.Request with { Params = InferenceParams.Empty, JsonMode = null };
        var outcomes = await Task.WhenAll(candidates.Select(RunOneAsync)).ConfigureAwait(false);
        var answers = new List<ModelResult>(candidates.Count);
        var failures = new List<(string Label, GatewayError Error)>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Answer is { } answer)
            {
                answers.Add(answer);
            }
            else
            {
                failures.Add(($"candidates[{i}] ({candidates[i].Name})", outcomes[i].Error!));
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        return (answers, failures);

        async Task<(ModelResult? Answer, GatewayError? Error)> RunOneAsync(VariantRuntime candidate)
        {
            try
            {
                return (await call.RunVariant(candidate, request, cancellationToken).ConfigureAwait(false), null);
            }
            catch (GatewayError e)
            {
                return (null, e);
            }
        }
    }

    /// <summary>
    /// <paramref name="answer"/> with the raw answers of the candidates that failed ahead of its own failed attempts, and
    /// those of a failed evaluator or fuser after them, where TensorZero reports them.
    /// </summary>
    public static ModelResult WithFailures(ModelResult answer, List<(string Label, GatewayError Error)> failures, GatewayError? judgeError = null)
    {
        var before = failures.SelectMany(f => f.Error.RawResponses).ToList();
        var after = judgeError?.RawResponses ?? [];
        return before.Count == 0 && after.Count == 0
            ? answer
            : answer with { FailedRawResponses = [.. before, .. answer.FailedRawResponses, .. after] };
    }

    /// <summary>TensorZero's error when no candidate answered (502; 400 if a client credential was missing, 429 on a rate limit).</summary>
    public static GatewayError AllFailed(List<(string Label, GatewayError Error)> failures) => ErrorAggregation.Combine(
        ErrorKind.AllVariantsFailed,
        "All candidates failed with errors: " + string.Join("\n", failures.Select(f => $"{f.Label}: {f.Error.Message}")),
        failures.Select(f => f.Error));
}
