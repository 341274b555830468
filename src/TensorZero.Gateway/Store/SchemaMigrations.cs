namespace TensorZero.Gateway.Store;

/// <summary>One versioned schema step; its DDL uses <see cref="SqlDialect.Ddl"/> placeholders.</summary>
public sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Statements);

/// <summary>
/// The store's schema, in order. Tables and columns follow TensorZero's (<c>chat_inferences</c>, <c>json_inferences</c>,
/// <c>model_inferences</c>, <c>*_feedback</c>) so its queries translate. A step is never edited once released: a
/// change is a new step.
/// </summary>
public static class SchemaMigrations
{
    /// <summary>The table that records which steps ran.</summary>
    public const string VersionTable = "tensorzero_schema_migrations";

    public static readonly IReadOnlyList<SchemaMigration> All =
    [
        new(1, "inference tables",
        [
            InferenceTable("chat_inferences", "tool_params {json}"),
            InferenceTable("json_inferences", "output_schema {json}"),
            "CREATE INDEX idx_chat_inferences_function_variant ON chat_inferences(function_name, variant_name, id)",
            "CREATE INDEX idx_chat_inferences_episode_id ON chat_inferences(episode_id, id)",
            "CREATE INDEX idx_json_inferences_function_variant ON json_inferences(function_name, variant_name, id)",
            "CREATE INDEX idx_json_inferences_episode_id ON json_inferences(episode_id, id)",
            """
            CREATE TABLE model_inferences (
                id {uuid} PRIMARY KEY,
                inference_id {uuid} NOT NULL,
                raw_request TEXT NOT NULL,
                raw_response TEXT NOT NULL,
                system TEXT,
                input_messages {json} NOT NULL,
                output {json} NOT NULL,
                input_tokens BIGINT,
                output_tokens BIGINT,
                response_time_ms BIGINT,
                model_name TEXT NOT NULL,
                model_provider_name TEXT NOT NULL,
                ttft_ms BIGINT,
                finish_reason TEXT,
                error TEXT,
                created_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX idx_model_inferences_inference_id ON model_inferences(inference_id, id)",
        ]),
        new(2, "feedback tables",
        [
            FeedbackTable("boolean_metric_feedback", "metric_name TEXT NOT NULL, value BOOLEAN NOT NULL"),
            FeedbackTable("float_metric_feedback", "metric_name TEXT NOT NULL, value {double} NOT NULL"),
            FeedbackTable("comment_feedback", "target_type TEXT NOT NULL, value TEXT NOT NULL"),
            FeedbackTable("demonstration_feedback", "value {json} NOT NULL"),
            "CREATE INDEX idx_boolean_metric_feedback_target ON boolean_metric_feedback(target_id)",
            "CREATE INDEX idx_float_metric_feedback_target ON float_metric_feedback(target_id)",
            "CREATE INDEX idx_comment_feedback_target ON comment_feedback(target_id)",
            "CREATE INDEX idx_demonstration_feedback_target ON demonstration_feedback(target_id)",
        ]),
        new(3, "inference cache", Cache.CacheSchema.Statements),
        new(4, "gateway API keys", Auth.ApiKeySchema.Statements),
    ];

    /// <summary>The newest version this gateway understands.</summary>
    public static int Latest => All[^1].Version;

    private static string InferenceTable(string name, string specific) => $"""
        CREATE TABLE {name} (
            id {"{uuid}"} PRIMARY KEY,
            function_name TEXT NOT NULL,
            variant_name TEXT NOT NULL,
            episode_id {"{uuid}"} NOT NULL,
            input {"{json}"} NOT NULL,
            output {"{json}"} NOT NULL,
            {specific},
            inference_params {"{json}"} NOT NULL,
            processing_time_ms BIGINT,
            ttft_ms BIGINT,
            tags {"{json}"} NOT NULL,
            created_at {"{ts}"} NOT NULL
        )
        """;

    private static string FeedbackTable(string name, string specific) => $"""
        CREATE TABLE {name} (
            id {"{uuid}"} PRIMARY KEY,
            target_id {"{uuid}"} NOT NULL,
            {specific},
            tags {"{json}"} NOT NULL,
            created_at {"{ts}"} NOT NULL
        )
        """;
}
