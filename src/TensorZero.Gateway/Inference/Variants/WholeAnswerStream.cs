using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// An answer computed whole, sent as a stream the way TensorZero streams a best-of-N or mixture-of-N answer: one chunk
/// with all the content (each text and thought block a delta of its own, each tool call with its id, a JSON function's
/// raw output as text), then a last empty chunk with the usage and the finish reason.
/// </summary>
internal static class WholeAnswerStream
{
    public static ModelStreamRun Start(ModelResult answer, FunctionType type, ResponseSchemas schemas)
    {
        var response = answer.Response;
        var deltas = new List<ContentDelta>();
        if (type == FunctionType.Json)
        {
            if (OutputValidator.JsonOutput(response.Content, schemas).Raw is { } raw)
            {
                deltas.Add(new TextDelta("0", raw));
            }
        }
        else
        {
            var id = 0;
            foreach (var block in response.Content)
            {
                deltas.Add(block switch
                {
                    TextBlock text => new TextDelta((id++).ToString(System.Globalization.CultureInfo.InvariantCulture), text.Text),
                    ThoughtBlock thought => new ThoughtDelta((id++).ToString(System.Globalization.CultureInfo.InvariantCulture), thought.Text, thought.Signature),
                    ToolCallBlock call => new ToolCallDelta(call.Id, call.Name, call.Arguments),
                    _ => throw new GatewayError(ErrorKind.Internal,
                        "MixtureOfNConfig variant does not support unknown content blocks in streaming mode"),
                });
            }
        }
        var run = ModelStreamRun.FromChunks(answer.ModelName, answer.ProviderName,
        [
            new ProviderStreamChunk(deltas, null, null, string.Empty) { RawRequest = response.RawRequest, WholeRawResponse = response.RawResponse },
            new ProviderStreamChunk([], response.Usage, response.FinishReason, string.Empty),
        ], answer.ProviderType, answer.ModelInferenceId);
        // As TensorZero streams a whole answer: the other calls' raw data and the failed attempts' in chunks ahead of it.
        run.PreviousModelResults = answer.OtherModelResults;
        run.FailedRawResponses = answer.FailedRawResponses;
        return run;
    }
}
