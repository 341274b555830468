namespace TensorZero.Gateway.Store.Cache;

/// <summary>
/// Schema step 3: the cache table (after TensorZero's <c>ModelInferenceCache</c>: one row per key, the newest answer
/// wins), the database's cache secret, and the <c>cached</c> flag of a model inference served from the cache.
/// </summary>
internal static class CacheSchema
{
    public static readonly IReadOnlyList<string> Statements =
    [
        """
        CREATE TABLE model_inference_cache (
            cache_key TEXT PRIMARY KEY,
            output TEXT NOT NULL,
            raw_request TEXT NOT NULL,
            raw_response TEXT NOT NULL,
            input_tokens BIGINT,
            output_tokens BIGINT,
            finish_reason TEXT,
            created_at {ts} NOT NULL
        )
        """,
        "CREATE TABLE model_inference_cache_secret (id INTEGER PRIMARY KEY, secret TEXT NOT NULL, created_at {ts} NOT NULL)",
        "ALTER TABLE model_inferences ADD COLUMN cached BOOLEAN NOT NULL DEFAULT FALSE",
    ];
}
