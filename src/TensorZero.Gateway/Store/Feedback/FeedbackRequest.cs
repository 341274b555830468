using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store.Feedback;

/// <summary>
/// A <c>POST /feedback</c> body, TensorZero's fields: <c>metric_name</c> and <c>value</c> (required), one of
/// <c>inference_id</c> / <c>episode_id</c>, <c>tags</c>, <c>dryrun</c>, <c>internal</c>.
/// </summary>
/// <param name="Value">The raw value, checked against the metric once the metric is known.</param>
public sealed record FeedbackRequest(
    string MetricName,
    JsonElement Value,
    Guid? InferenceId,
    Guid? EpisodeId,
    IReadOnlyDictionary<string, string> Tags,
    bool Dryrun)
{
    private static readonly HashSet<string> Fields = ["metric_name", "value", "inference_id", "episode_id", "tags", "dryrun", "internal"];

    /// <summary>Validates the body's shape; every rejection is a 400 naming the field and quoting no value.</summary>
    public static FeedbackRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw GatewayError.InvalidRequest("the request body must be a JSON object");
        }
        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                throw GatewayError.InvalidRequest($"`{property.Name}`: unknown field");
            }
        }
        if (!root.TryGetProperty("metric_name"u8, out var metric) || metric.ValueKind == JsonValueKind.Null)
        {
            throw GatewayError.InvalidRequest(JsonFields.MissingField(null, "metric_name"));
        }
        if (metric.ValueKind != JsonValueKind.String)
        {
            throw GatewayError.InvalidRequest("`metric_name`: must be a string");
        }
        if (!root.TryGetProperty("value"u8, out var value))
        {
            throw GatewayError.InvalidRequest(JsonFields.MissingField(null, "value"));
        }
        var internalRequest = Bool(root, "internal");
        var tags = InferenceRequestParser.ParseTags(root, internalRequest);
        if (internalRequest)
        {
            // TensorZero marks internal feedback with this tag.
            tags = new Dictionary<string, string>(tags, StringComparer.Ordinal) { ["tensorzero::internal"] = "true" };
        }
        return new FeedbackRequest(metric.GetString()!, value.Clone(), Id(root, "inference_id"), Id(root, "episode_id"), tags, Bool(root, "dryrun"));
    }

    private static Guid? Id(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id)
            ? id
            : throw GatewayError.InvalidRequest($"`{name}`: must be a UUID");
    }

    private static bool Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw GatewayError.InvalidRequest($"`{name}`: must be a boolean"),
        };
}
