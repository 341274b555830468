using TensorZero.Gateway.Inference;
using System.Globalization;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store.Feedback;

/// <summary>
/// TensorZero's feedback rules, in its order: the metric (configured, or the built-in <c>comment</c> /
/// <c>demonstration</c>) decides the level, the level decides which id is the target, the value must fit the metric,
/// and the target must exist (<see cref="FeedbackTargets"/>). A <c>dryrun</c> is checked the same way and not stored.
/// </summary>
public static class FeedbackHandler
{
    public const string StorageOffMessage =
        "Feedback requires observability to be enabled (`gateway.observability.enabled` must not be `false`).";

    public static async Task<Guid> HandleAsync(
        FeedbackRequest request, StoreWriter? writer, GatewayConfig config, SecretScope scope, TimeProvider time, CancellationToken cancellationToken)
    {
        CheckTags(request.Tags);
        if (writer is null)
        {
            throw GatewayError.InvalidRequest(StorageOffMessage);
        }
        var (kind, level, targetId) = Target(request, config);
        // The value's type is checked before the target is looked for, which may take seconds.
        var value = kind switch
        {
            "boolean" => request.Value.ValueKind switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw GatewayError.InvalidRequest($"Feedback value for metric `{request.MetricName}` must be a boolean"),
            },
            "float" => request.Value.ValueKind == JsonValueKind.Number && request.Value.TryGetDouble(out var number) && double.IsFinite(number)
                ? number.ToString("R", CultureInfo.InvariantCulture)
                : throw GatewayError.InvalidRequest($"Feedback value for metric `{request.MetricName}` must be a number"),
            "comment" => request.Value.ValueKind == JsonValueKind.String
                ? JsonSerializer.Serialize(request.Value.GetString()!, StoreJsonContext.Default.String)
                : throw GatewayError.InvalidRequest("Feedback value for a comment must be a string"),
            _ => null,
        };
        // TensorZero's `unstable_disable_feedback_target_validation` takes the target on trust; a demonstration,
        // which is checked against its inference, still looks for it.
        var trusted = value is not null && config.Gateway.DisableFeedbackTargetValidation;
        if (!trusted)
        {
            var targets = new FeedbackTargets(writer, time);
            if (level == MetricLevel.Episode)
            {
                await targets.EpisodeAsync(targetId, cancellationToken);
            }
            else
            {
                var inference = await targets.InferenceAsync(targetId, cancellationToken);
                value ??= Demonstrations.Parse(request.Value, inference, config);
            }
        }
        var now = time.GetUtcNow();
        var feedbackId = UuidV7.New(now);
        if (!request.Dryrun)
        {
            writer.Enqueue(scope, new FeedbackRow(feedbackId, targetId, MetricConfig.LevelName(level), request.MetricName, kind, value!,
                RowJson.Tags(request.Tags), now));
        }
        return feedbackId;
    }

    /// <summary>The feedback's kind (its table), level and target id, with TensorZero's messages.</summary>
    private static (string Kind, MetricLevel Level, Guid TargetId) Target(FeedbackRequest request, GatewayConfig config)
    {
        if (request is { InferenceId: not null, EpisodeId: not null })
        {
            throw GatewayError.InvalidRequest("Both episode_id and inference_id cannot be provided");
        }
        string kind;
        MetricLevel level;
        if (config.Metrics.TryGetValue(request.MetricName, out var metric))
        {
            kind = metric.Type == MetricType.Boolean ? "boolean" : "float";
            level = metric.Level;
        }
        else if (request.MetricName == "demonstration")
        {
            kind = "demonstration";
            level = MetricLevel.Inference;
        }
        else if (request.MetricName == "comment")
        {
            kind = "comment";
            level = request.InferenceId is not null ? MetricLevel.Inference
                : request.EpisodeId is not null ? MetricLevel.Episode
                : throw GatewayError.InvalidRequest("Exactly one of inference_id or episode_id must be provided");
        }
        else
        {
            throw new GatewayError(ErrorKind.NotFound, $"Unknown metric: {request.MetricName}");
        }
        var target = level == MetricLevel.Inference ? request.InferenceId : request.EpisodeId;
        return target is { } id
            ? (kind, level, id)
            : throw GatewayError.InvalidRequest($"Correct ID was not provided for feedback level \"{MetricConfig.LevelName(level)}\".");
    }

    private static void CheckTags(IReadOnlyDictionary<string, string> tags)
    {
        if (tags.ContainsKey("tensorzero::datapoint_id") && tags.ContainsKey("tensorzero::human_feedback") &&
            !tags.ContainsKey("tensorzero::evaluator_inference_id"))
        {
            throw GatewayError.InvalidRequest(
                "tensorzero::evaluator_inference_id is required when tensorzero::datapoint_id and tensorzero::human_feedback are provided");
        }
    }
}
