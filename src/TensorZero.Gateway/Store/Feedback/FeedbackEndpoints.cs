using System.Globalization;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Endpoints.OpenApi;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store.Feedback;

/// <summary>
/// <c>POST /feedback</c> (TensorZero's): a value of a <c>[metrics]</c> metric, a <c>comment</c> or a
/// <c>demonstration</c> about one inference or episode, queued as a row like an inference's; and TensorZero's
/// <c>GET /internal/feedback/{target_id}</c> to read it back.
/// </summary>
public static class FeedbackEndpoints
{
    public const int MaxListLimit = 100;

    public static void MapFeedbackEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/feedback", PostAsync).DocumentFeedback();
        app.MapGet("/internal/feedback/{target_id}", ListAsync).DocumentFeedbackList();
    }

    private static async Task PostAsync(HttpContext context, StoreRuntime runtime, GatewayConfig config, SecretRegistry secrets, TimeProvider time)
    {
        // No credentials come with feedback, but a static key pasted into it is still kept out of rows and errors.
        var scope = secrets.Scope(RequestCredentials.Empty);
        Guid feedbackId;
        try
        {
            using var body = await InferenceEndpoints.ReadJsonAsync(context, config);
            feedbackId = await FeedbackHandler.HandleAsync(FeedbackRequest.Parse(body.RootElement), runtime.Writer, config, scope, time,
                context.RequestAborted);
        }
        catch (GatewayError e) when (scope.Redact(e.Message) is var redacted && redacted != e.Message)
        {
            throw new GatewayError(e.Kind, redacted);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonWriting.Options);
        writer.WriteStartObject();
        writer.WriteString("feedback_id"u8, feedbackId);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task ListAsync(HttpContext context, StoreRuntime runtime, string target_id)
    {
        var store = runtime.Store
            ?? throw new GatewayError(ErrorKind.NotFound, "Storage is off (`[gateway.observability] enabled = false`): nothing is stored to read");
        if (!Guid.TryParse(target_id, out var targetId))
        {
            throw GatewayError.InvalidRequest("`target_id` must be a UUID");
        }
        var limit = context.Request.Query["limit"].FirstOrDefault() is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxListLimit
                ? n
                : throw GatewayError.InvalidRequest($"`limit` must be a whole number from 1 to {MaxListLimit}")
            : MaxListLimit;
        var rows = await store.ListFeedbackAsync(targetId, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonWriting.Options);
        writer.WriteStartObject();
        writer.WriteStartArray("feedback"u8);
        // Newest first, as TensorZero lists it; ids are UUIDv7.
        foreach (var row in rows.OrderByDescending(r => r.Id).Take(limit))
        {
            WriteRow(writer, row);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>One row in TensorZero's shape: tagged by <c>type</c>, each type with its own fields.</summary>
    private static void WriteRow(Utf8JsonWriter writer, FeedbackRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, row.Kind);
        writer.WriteString("id"u8, row.Id);
        writer.WriteString(row.Kind == "demonstration" ? "inference_id" : "target_id", row.TargetId);
        switch (row.Kind)
        {
            case "boolean":
                writer.WriteString("metric_name"u8, row.MetricName);
                writer.WriteBoolean("value"u8, row.Value == "true");
                break;
            case "float":
                writer.WriteString("metric_name"u8, row.MetricName);
                writer.WriteNumber("value"u8, double.Parse(row.Value, CultureInfo.InvariantCulture));
                break;
            case "comment":
                writer.WriteString("target_type"u8, row.TargetType);
                writer.WriteString("value"u8, row.Value);
                break;
            default:
                // TensorZero gives a demonstration's value as its JSON text.
                writer.WriteString("value"u8, row.Value);
                break;
        }
        writer.WritePropertyName("tags"u8);
        try
        {
            writer.WriteRawValue(row.Tags, skipInputValidation: false);
        }
        catch (JsonException)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        StoredRowWriter.WriteTime(writer, "timestamp"u8, row.CreatedAt);
        writer.WriteEndObject();
    }
}
