using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Endpoints.OpenApi;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store;

/// <summary>
/// Reading back what was stored, without a database client: <c>GET /inferences/{id}</c> (with its model inferences and
/// feedback), <c>GET /episodes/{id}/inferences</c>, and TensorZero's <c>POST /v1/inferences/list_inferences</c> (newest
/// first or as <c>order_by</c> says; by function, variant, episode, TensorZero's <c>filters</c> and a search text; paged
/// with <c>offset</c>, <c>before</c> or <c>after</c>) and <c>POST /v1/inferences/get_inferences</c> (by id).
/// </summary>
public static class StoreEndpoints
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    public static void MapStoreEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inferences/{id}", GetInferenceAsync).DocumentGetInference();
        app.MapGet("/episodes/{id}/inferences", ListEpisodeAsync).DocumentListEpisode();
        app.MapPost("/v1/inferences/list_inferences", ListAsync).DocumentListInferences();
        app.MapPost("/v1/inferences/get_inferences", GetManyAsync).DocumentGetInferences();
        app.MapPost("/internal/episodes", ListEpisodesAsync).DocumentListEpisodes();
    }

    /// <summary>
    /// TensorZero's <c>list_episodes</c> (<c>POST /internal/episodes</c>): episodes newest first, each with its
    /// inference count, first and last inference times and newest inference id; paged with <c>before</c> or
    /// <c>after</c> (episode ids), narrowed to episodes with an inference of <c>function_name</c> that <c>filters</c>
    /// holds for.
    /// </summary>
    private static async Task ListEpisodesAsync(HttpContext context, StoreRuntime runtime, Configuration.GatewayConfig config)
    {
        var store = Require(runtime);
        using var body = await ReadObjectAsync(context, config);
        var root = body.RootElement;
        var (before, after) = (OptionalId(root, "before"u8), OptionalId(root, "after"u8));
        if (before is not null && after is not null)
        {
            throw GatewayError.InvalidRequest("Cannot specify both before and after in query_episode_table");
        }
        // TensorZero's list_episodes has no deprecated `filter`.
        var query = new EpisodeQuery(BodyLimit(root), before, after, OptionalString(root, "function_name"u8), Filters(root, config, "filters"));
        var episodes = await store.ListEpisodesAsync(query, context.RequestAborted);
        await WriteAsync(context, writer =>
        {
            writer.WriteStartObject();
            WriteArray(writer, "episodes"u8, episodes, StoredRowWriter.WriteEpisode);
            writer.WriteEndObject();
        });
    }

    private static async Task GetInferenceAsync(HttpContext context, StoreRuntime runtime, string id)
    {
        var store = Require(runtime);
        var inferenceId = ParseId(id, "inference_id");
        var row = await store.GetInferenceAsync(inferenceId, context.RequestAborted)
            ?? throw new GatewayError(ErrorKind.NotFound, $"Inference `{inferenceId}` not found (a row is written shortly after its inference answers)");
        var models = await store.ListModelInferencesAsync(inferenceId, context.RequestAborted);
        var feedback = await store.ListFeedbackAsync(inferenceId, context.RequestAborted);
        await WriteAsync(context, writer =>
        {
            writer.WriteStartObject();
            StoredRowWriter.WriteInferenceFields(writer, row);
            WriteArray(writer, "model_inferences"u8, models, StoredRowWriter.WriteModelInference);
            WriteArray(writer, "feedback"u8, feedback, StoredRowWriter.WriteFeedback);
            writer.WriteEndObject();
        });
    }

    private static async Task ListEpisodeAsync(HttpContext context, StoreRuntime runtime, string id)
    {
        var store = Require(runtime);
        var query = new InferenceQuery(null, null, ParseId(id, "episode_id"), QueryId(context, "before"), QueryLimit(context));
        await WriteListAsync(context, await store.ListInferencesAsync(query, context.RequestAborted));
    }

    private static async Task ListAsync(HttpContext context, StoreRuntime runtime, Configuration.GatewayConfig config)
    {
        var store = Require(runtime);
        using var body = await ReadObjectAsync(context, config);
        var root = body.RootElement;
        var source = OutputSourceOf(root);
        var (before, after) = (OptionalId(root, "before"u8), OptionalId(root, "after"u8));
        var offset = Offset(root);
        // TensorZero's rules and texts. An offset of 0 is no offset: TensorZero's client may send one with a cursor.
        if (before is not null && after is not null)
        {
            throw GatewayError.InvalidRequest("Cannot specify both 'before' and 'after' parameters");
        }
        if (offset > 0 && (before is not null || after is not null))
        {
            throw GatewayError.InvalidRequest("Cannot use 'offset' with cursor pagination ('before' or 'after')");
        }
        var query = new InferenceQuery(
            OptionalString(root, "function_name"u8),
            OptionalString(root, "variant_name"u8),
            OptionalId(root, "episode_id"u8),
            before,
            BodyLimit(root))
        {
            After = after,
            Offset = offset,
            OrderBy = OrderTerms(root, config),
            Search = OptionalString(root, "search_query_experimental"u8),
            Filter = Filters(root, config, "filters", "filter"),
            Demonstrations = source == OutputSource.Demonstration,
        };
        await WriteListAsync(context, await store.ListInferencesAsync(query, context.RequestAborted), source != OutputSource.None);
    }

    /// <summary>
    /// TensorZero's <c>get_inferences</c>: the stored inferences among <c>ids</c> (at most <see cref="MaxLimit"/>, in
    /// the order asked, each once; an id with no row, or of another function than <c>function_name</c>, is left out).
    /// </summary>
    private static async Task GetManyAsync(HttpContext context, StoreRuntime runtime, Configuration.GatewayConfig config)
    {
        var store = Require(runtime);
        using var body = await ReadObjectAsync(context, config);
        var root = body.RootElement;
        if (!root.TryGetProperty("ids"u8, out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            throw GatewayError.InvalidRequest("`ids` is required: an array of inference ids (UUIDs)");
        }
        if (ids.GetArrayLength() > MaxLimit)
        {
            throw GatewayError.InvalidRequest($"`ids` may hold at most {MaxLimit} ids; ask for the rest in another request");
        }
        var functionName = OptionalString(root, "function_name"u8);
        var source = OutputSourceOf(root);
        var wanted = new List<Guid>(ids.GetArrayLength());
        var index = 0;
        foreach (var item in ids.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.String && Guid.TryParse(item.GetString(), out var parsed)
                ? parsed
                : throw GatewayError.InvalidRequest($"`ids[{index}]` must be a UUID");
            if (!wanted.Contains(id))
            {
                wanted.Add(id);
            }
            index++;
        }
        // One query for all of them, then the order asked.
        var found = await store.ListInferencesAsync(
            new InferenceQuery(functionName, null, null, null, MaxLimit) { Ids = wanted, Demonstrations = source == OutputSource.Demonstration },
            context.RequestAborted);
        var byId = found.ToDictionary(row => row.Id);
        var rows = new List<InferenceRow>(found.Count);
        foreach (var id in wanted)
        {
            if (byId.TryGetValue(id, out var row))
            {
                rows.Add(row);
            }
        }
        await WriteListAsync(context, rows, source != OutputSource.None);
    }

    // The filter tree under the first of `names` that is set: list_inferences takes `filters`, or the older `filter`
    // when `filters` is unset (TensorZero prefers `filters` when both are).
    private static InferenceFilter? Filters(JsonElement root, Configuration.GatewayConfig config, params string[] names)
    {
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return InferenceFilterReader.Read(value, config, name);
            }
        }
        return null;
    }

    // `offset`: a non-negative whole number; null or absent is 0.
    private static int Offset(JsonElement root)
    {
        if (!root.TryGetProperty("offset"u8, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var offset) && offset >= 0
            ? offset
            : throw GatewayError.InvalidRequest("`offset` must be a non-negative whole number");
    }

    // TensorZero's `order_by`: a list of `{"by": "timestamp" | "metric" | "search_relevance", "direction": "ascending" |
    // "descending"}`, a metric term with its `name`. Search relevance needs a search query; like TensorZero's
    // PostgreSQL store, this one then orders by id.
    private static IReadOnlyList<OrderTerm> OrderTerms(JsonElement root, Configuration.GatewayConfig config)
    {
        if (!root.TryGetProperty("order_by"u8, out var order) || order.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (order.ValueKind != JsonValueKind.Array)
        {
            throw GatewayError.InvalidRequest("`order_by` must be a list of {\"by\": ..., \"direction\": \"ascending\" | \"descending\"}");
        }
        var terms = new List<OrderTerm>();
        var index = 0;
        foreach (var term in order.EnumerateArray())
        {
            var path = $"order_by[{index++}]";
            if (term.ValueKind != JsonValueKind.Object)
            {
                throw GatewayError.InvalidRequest($"`{path}` must be an object with `by` and `direction`");
            }
            var by = OptionalString(term, "by"u8) ?? throw GatewayError.InvalidRequest($"`{path}.by` is required");
            var ascending = OptionalString(term, "direction"u8) switch
            {
                "ascending" => true,
                "descending" => false,
                _ => throw GatewayError.InvalidRequest($"`{path}.direction` must be ascending or descending"),
            };
            switch (by)
            {
                case "timestamp":
                    terms.Add(new OrderTerm(null, ascending));
                    break;
                case "metric":
                    var name = OptionalString(term, "name"u8) ?? throw GatewayError.InvalidRequest($"`{path}.name` is required: the metric to order by");
                    terms.Add(new OrderTerm(config.Metrics.TryGetValue(name, out var metric)
                        ? metric
                        : throw GatewayError.InvalidRequest($"Invalid metric name: {name}"), ascending));
                    break;
                case "search_relevance":
                    if (OptionalString(root, "search_query_experimental"u8) is null)
                    {
                        throw GatewayError.InvalidRequest("ORDER BY search_relevance requires search_query_experimental to be provided");
                    }
                    break;
                default:
                    throw GatewayError.InvalidRequest($"`{path}.by` must be one of timestamp, metric or search_relevance");
            }
        }
        return terms;
    }

    // TensorZero's `output_source`: `inference` (the default) shows each inference's output, `none` leaves it out,
    // `demonstration` lists only inferences with a demonstration, its newest in place of the output and the
    // inference's own output as `dispreferred_outputs`.
    private enum OutputSource
    {
        Inference,
        None,
        Demonstration,
    }

    private static OutputSource OutputSourceOf(JsonElement root) => OptionalString(root, "output_source"u8) switch
    {
        null or "inference" => OutputSource.Inference,
        "none" => OutputSource.None,
        "demonstration" => OutputSource.Demonstration,
        _ => throw GatewayError.InvalidRequest("`output_source` must be one of inference, none or demonstration"),
    };

    // A query body: a JSON object, or a 400 saying so.
    private static async Task<JsonDocument> ReadObjectAsync(HttpContext context, Configuration.GatewayConfig config)
    {
        var body = await InferenceEndpoints.ReadJsonAsync(context, config);
        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            body.Dispose();
            throw GatewayError.InvalidRequest("the request body must be a JSON object");
        }
        return body;
    }

    private static Task WriteListAsync(HttpContext context, IReadOnlyList<InferenceRow> rows, bool withOutput = true) => WriteAsync(context, writer =>
    {
        writer.WriteStartObject();
        WriteArray(writer, "inferences"u8, rows, (writer, row) =>
        {
            writer.WriteStartObject();
            StoredRowWriter.WriteInferenceFields(writer, row, withOutput);
            writer.WriteEndObject();
        });
        writer.WriteEndObject();
    });

    /// <summary>The property <paramref name="name"/> holding one array element per item, each written by <paramref name="write"/>.</summary>
    private static void WriteArray<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            write(writer, item);
        }
        writer.WriteEndArray();
    }

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, JsonWriting.Options);
        write(writer);
        await writer.FlushAsync(context.RequestAborted);
    }

    private static IInferenceStore Require(StoreRuntime runtime) => runtime.Store
        ?? throw new GatewayError(ErrorKind.NotFound, "Storage is off (`[gateway.observability] enabled = false`): nothing is stored to read");

    private static Guid ParseId(string text, string field) => Guid.TryParse(text, out var id)
        ? id
        : throw GatewayError.InvalidRequest($"`{field}` must be a UUID");

    private static string? OptionalString(JsonElement root, ReadOnlySpan<byte> name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw GatewayError.InvalidRequest($"`{Endpoints.JsonFields.Name(name)}` must be a string");

    private static Guid? OptionalId(JsonElement root, ReadOnlySpan<byte> name) =>
        OptionalString(root, name) is { } text ? ParseId(text, Endpoints.JsonFields.Name(name)) : null;

    // A body's `limit`: 1 to MaxLimit, DefaultLimit when absent or null.
    private static int BodyLimit(JsonElement root) =>
        root.TryGetProperty("limit"u8, out var limit) && limit.ValueKind != JsonValueKind.Null
            ? Limit(limit.ValueKind == JsonValueKind.Number && limit.TryGetInt32(out var n) ? n : -1)
            : DefaultLimit;

    private static Guid? QueryId(HttpContext context, string name) =>
        context.Request.Query[name].FirstOrDefault() is { } text ? ParseId(text, name) : null;

    private static int QueryLimit(HttpContext context) =>
        context.Request.Query["limit"].FirstOrDefault() is { } text ? Limit(int.TryParse(text, out var n) ? n : -1) : DefaultLimit;

    private static int Limit(int value) => value is >= 1 and <= MaxLimit
        ? value
        : throw GatewayError.InvalidRequest($"`limit` must be a whole number from 1 to {MaxLimit}");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StoreEndpointJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
