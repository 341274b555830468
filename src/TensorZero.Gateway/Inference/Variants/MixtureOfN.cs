using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// <c>experimental_mixture_of_n</c>, as TensorZero runs it: the candidates answer at the same time; when more than one
/// succeeds, the fuser (a chat-completion table of its own) reads the conversation and their answers and writes the
/// answer, with the function's tools and output schema. If the fuser fails, a candidate chosen at random answers.
/// Usage is the sum of every model call that answered. A stream streams the fuser's answer as it comes, with the
/// candidates' usage added to the usage it reports; a single candidate's answer, or the random one, is sent whole.
/// </summary>
internal sealed class MixtureOfN(IReadOnlyList<VariantRuntime> candidates, VariantRuntime fuser, TimeProvider time, ILogger logger)
    : IVariantStrategy
{
    public Task<ModelResult> InferAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken) =>
        VariantDeadlines.NonStreamingAsync(variant, time, async token =>
        {
            var (answers, failures) = await CandidatesAsync(call, token).ConfigureAwait(false);
            if (answers.Count == 1)
            {
                return CandidateRunner.WithFailures(answers[0], failures);
            }
            try
            {
                var (model, request) = FuserRequest(variant, call, answers);
                var fused = await ModelCalls.InferAsync(fuser, model, request, call.Request.Credentials, token).ConfigureAwait(false);
                return CandidateRunner.WithFailures(UsageTotals.AddTo(fused, answers), failures);
            }
            catch (GatewayError e) when (!token.IsCancellationRequested)
            {
                return CandidateRunner.WithFailures(Fallback(variant, answers, e), failures, e);
            }
        }, cancellationToken);

    public Task<ModelStreamRun> StreamAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken) =>
        VariantDeadlines.StreamingAsync(variant, time, async token =>
        {
            var (answers, failures) = await CandidatesAsync(call, token).ConfigureAwait(false);
            var schemas = call.Tools.Schemas(JsonMode.Off);
            if (answers.Count == 1)
            {
                return WholeAnswerStream.Start(CandidateRunner.WithFailures(answers[0], failures), call.Function.Type, schemas);
            }
            ModelStreamRun run;
            try
            {
                var (model, request) = FuserRequest(variant, call, answers);
                run = await ModelCalls.StreamAsync(fuser, model, request, call.Request.Credentials, token).ConfigureAwait(false);
            }
            catch (GatewayError e) when (!token.IsCancellationRequested)
            {
                return WholeAnswerStream.Start(CandidateRunner.WithFailures(Fallback(variant, answers, e), failures, e), call.Function.Type, schemas);
            }
            var candidateUsage = UsageTotals.Sum(answers.Select(a => a.Response.Usage));
            run.MapChunks(chunk => chunk.Usage is { } usage ? chunk with { Usage = UsageTotals.Sum([candidateUsage, usage]) } : chunk);
            // The candidates' raw data goes ahead of the fuser's stream, the failed candidates' with the first of them.
            run.PreviousModelResults = [CandidateRunner.WithFailures(answers[0], failures), .. answers.Skip(1)];
            return run;
        }, cancellationToken);

    private async Task<(List<ModelResult> Answers, List<(string Label, GatewayError Error)> Failures)> CandidatesAsync(
        VariantCall call, CancellationToken cancellationToken)
    {
        var (answers, failures) = await CandidateRunner.RunAsync(candidates, call, cancellationToken).ConfigureAwait(false);
        return answers.Count > 0 ? (answers, failures) : throw CandidateRunner.AllFailed(failures);
    }

    // The fuser's request: its own prompts and parameters, the function's tools and output schema, the system prompt
    // wrapped in TensorZero's instructions, and a last message with the candidates' answers.
    private (Model Model, ModelRequest Request) FuserRequest(VariantRuntime variant, VariantCall call, List<ModelResult> answers)
    {
        var schemas = call.Tools.Schemas(JsonMode.Off);
        var texts = answers.Select(a => CandidateText.For(a, call.Function.Type, schemas)).OfType<string>().ToList();
        if (call.Request.ExtraBody.Count > 0)
        {
            throw GatewayError.InvalidRequest("Inference-level `extra_body` is not yet supported for mixture_of_n variant");
        }
        if (texts.Count == 0)
        {
            throw new GatewayError(ErrorKind.Internal, "No valid candidates available to prepare request.");
        }
        // The request's extra headers for this variant (or for every variant) reach the fuser.
        var headers = call.Request.ExtraHeaders
            .Where(e => e.TargetsVariant(variant.Name))
            .Select(e => e with { VariantName = null })
            .ToList();
        var (model, prepared) = call.Prepare(fuser, call.Request with { Params = InferenceParams.Empty, JsonMode = null, ExtraBody = [], ExtraHeaders = headers });
        return (model, prepared with
        {
            System = JudgePrompts.MixtureOfN.System(prepared.System, Math.Max(0, texts.Count - 1)),
            Messages = [.. prepared.Messages, new RequestMessage(Role.User, [new TextBlock(JudgePrompts.MixtureOfN.Candidates(texts))])],
        });
    }

    // As in TensorZero, the random answer carries no `original_response`.
    private ModelResult Fallback(VariantRuntime variant, List<ModelResult> answers, GatewayError error)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.LogWarning("Mixture-of-N variant {Variant}: the fuser failed ({Reason}); a candidate chosen at random answers", variant.Name, error.Message);
        }
        var chosen = Random.Shared.Next(answers.Count);
        return UsageTotals.AddTo(answers[chosen], answers.Where((_, i) => i != chosen)) with { OriginalResponse = null };
    }
}
