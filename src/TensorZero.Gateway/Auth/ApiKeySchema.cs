namespace TensorZero.Gateway.Auth;

/// <summary>
/// Schema step 4: TensorZero's <c>tensorzero_auth_api_key</c> table (its columns, with <c>public_id</c> as the
/// primary key instead of a serial id), holding each key's public id and the SHA-256 of its long key, never the key.
/// </summary>
internal static class ApiKeySchema
{
    public const string Table = "tensorzero_auth_api_key";

    public static readonly IReadOnlyList<string> Statements =
    [
        $"""
        CREATE TABLE {Table} (
            public_id TEXT PRIMARY KEY,
            organization TEXT NOT NULL,
            workspace TEXT NOT NULL,
            description TEXT,
            hash TEXT NOT NULL,
            disabled_at {"{ts}"},
            created_at {"{ts}"} NOT NULL,
            updated_at {"{ts}"} NOT NULL
        )
        """,
    ];
}
