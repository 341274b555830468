using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// <c>experimental_best_of_n_sampling</c>, as TensorZero runs it: the candidates answer at the same time; when more than
/// one succeeds, the evaluator (a chat-completion table of its own) reads the conversation and their answers and names
/// the best by index in JSON (<c>{"thinking": ..., "answer_choice": n}</c>). If the evaluator fails or its answer
/// can't be used, a candidate chosen at random answers. Usage is the sum of every model call that answered; a stream
/// sends the chosen answer whole (<see cref="WholeAnswerStream"/>).
/// </summary>
internal sealed class BestOfNSampling(IReadOnlyList<VariantRuntime> candidates, VariantRuntime evaluator, TimeProvider time, ILogger logger)
    : IVariantStrategy
{
    /// <summary>What the evaluator must answer (TensorZero's schema; <c>json_mode</c> defaults to <c>strict</c>).</summary>
    public static readonly JsonSchemaDocument EvaluatorSchema = JsonSchemaDocument.Parse(JsonNode.Parse("""
        {
          "type": "object",
          "properties": { "thinking": { "type": "string" }, "answer_choice": { "type": "integer" } },
          "required": ["thinking", "answer_choice"],
          "additionalProperties": false
        }
        """)!.AsObject());

    public Task<ModelResult> InferAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken) =>
        VariantDeadlines.NonStreamingAsync(variant, time, token => ChooseAsync(variant, call, token), cancellationToken);

    public Task<ModelStreamRun> StreamAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken) =>
        VariantDeadlines.StreamingAsync(variant, time, async token =>
        {
            var answer = await ChooseAsync(variant, call, token).ConfigureAwait(false);
            return WholeAnswerStream.Start(answer, call.Function.Type, call.Tools.Schemas(JsonMode.Off));
        }, cancellationToken);

    private async Task<ModelResult> ChooseAsync(VariantRuntime variant, VariantCall call, CancellationToken cancellationToken)
    {
        var (answers, failures) = await CandidateRunner.RunAsync(candidates, call, cancellationToken).ConfigureAwait(false);
        if (answers.Count == 0)
        {
            throw CandidateRunner.AllFailed(failures);
        }
        if (answers.Count == 1)
        {
            return CandidateRunner.WithFailures(answers[0], failures);
        }
        int? index;
        ModelResult? judgement = null;
        GatewayError? judgeError = null;
        try
        {
            (index, judgement) = await JudgeAsync(variant, call, answers, cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayError e) when (!cancellationToken.IsCancellationRequested)
        {
            index = null;
            judgeError = e;
            LogFallback(variant, e.Message);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var chosen = index ?? Random.Shared.Next(answers.Count);
        var others = answers.Where((_, i) => i != chosen).Concat(judgement is null ? [] : [judgement]);
        // As in TensorZero, `original_response` is the evaluator's answer, and absent when it gave none.
        var answer = UsageTotals.AddTo(answers[chosen], others) with { OriginalResponse = judgement?.Response.RawResponse };
        return CandidateRunner.WithFailures(answer, failures, judgeError);
    }

    // The index of the chosen answer (null when the evaluator's answer can't be used) and the evaluator's result when it
    // answered. A failure to ask it throws.
    private async Task<(int? Index, ModelResult? Judgement)> JudgeAsync(
        VariantRuntime variant,
        VariantCall call,
        List<ModelResult> answers,
        CancellationToken cancellationToken)
    {
        var schemas = call.Tools.Schemas(JsonMode.Off);
        var shown = new List<(int Index, string Text)>();
        for (var i = 0; i < answers.Count; i++)
        {
            if (CandidateText.For(answers[i], call.Function.Type, schemas) is { } text)
            {
                shown.Add((i, text));
            }
        }
        if (shown.Count == 0)
        {
            throw new GatewayError(ErrorKind.Internal, "No valid candidates available to prepare request.");
        }
        if (call.Request.ExtraBody.Count > 0)
        {
            throw GatewayError.InvalidRequest("Inference-level `extra_body` is not yet supported for best_of_n variant");
        }
        if (shown.Count == 1)
        {
            return (shown[0].Index, null);
        }
        var (model, prepared) = call.Prepare(evaluator, call.Request with { Params = InferenceParams.Empty, JsonMode = null, ExtraBody = [], ExtraHeaders = [] });
        var request = prepared with
        {
            System = JudgePrompts.BestOfN.System(prepared.System, shown.Count - 1),
            Messages = [.. prepared.Messages, new RequestMessage(Role.User, [new TextBlock(JudgePrompts.BestOfN.Candidates(shown.Select(s => s.Text)))])],
            Tools = null,
            ToolChoice = null,
            ParallelToolCalls = null,
            JsonMode = evaluator.JsonMode ?? JsonMode.Strict,
            OutputSchema = EvaluatorSchema.Node,
        };
        var judgement = await ModelCalls.InferAsync(evaluator, model, request, call.Request.Credentials, cancellationToken).ConfigureAwait(false);
        var (choice, problem) = AnswerChoice(judgement.Response.Content);
        if (choice is null || choice >= (ulong)shown.Count)
        {
            LogFallback(variant, problem ?? $"The index chosen by the evaluator is out of bounds: {choice} >= {shown.Count}");
            return (null, judgement);
        }
        return (shown[(int)choice].Index, judgement);
    }

    /// <summary>The evaluator's <c>answer_choice</c> from its first text (or tool call) block, or why there is none, in TensorZero's words.</summary>
    public static (ulong? Choice, string? Problem) AnswerChoice(IReadOnlyList<ContentBlock> content)
    {
        var raw = content.Select(b => b switch { TextBlock t => t.Text, ToolCallBlock c => c.Arguments, _ => null }).FirstOrDefault(t => t is not null);
        if (raw is null)
        {
            return (null, "The evaluator did not return a text response");
        }
        try
        {
            using var parsed = JsonDocument.Parse(raw);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object || !parsed.RootElement.TryGetProperty("answer_choice"u8, out var choice))
            {
                return (null, "The evaluator returned a JSON response without an answer_choice field");
            }
            return choice.ValueKind == JsonValueKind.Number && choice.TryGetUInt64(out var index)
                ? (index, null)
                : (null, "The evaluator did not return a valid integer answer choice");
        }
        catch (JsonException)
        {
            return (null, "The evaluator did not return a valid JSON response");
        }
    }

    private void LogFallback(VariantRuntime variant, string reason)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.LogWarning("Best-of-N variant {Variant}: {Reason}; a candidate chosen at random answers", variant.Name, reason);
        }
    }
}
