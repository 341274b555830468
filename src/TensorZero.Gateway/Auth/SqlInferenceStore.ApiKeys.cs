using TensorZero.Gateway.Auth;

namespace TensorZero.Gateway.Store;

public sealed partial class SqlInferenceStore : IApiKeyStore
{
    // TensorZero's organization and workspace columns; this gateway has one of each.
    private const string DefaultScope = "default";

    public async Task<StoredApiKey?> FindApiKeyAsync(string publicId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT hash, disabled_at FROM {ApiKeySchema.Table} WHERE public_id = @public_id");
        Add(command, "public_id", publicId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return new StoredApiKey(publicId, reader.GetString(0), reader.IsDBNull(1) ? null : SqlDialect.ReadTime(reader, 1));
    }

    public async Task InsertApiKeyAsync(GatewayApiKey key, string? description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            $"INSERT INTO {ApiKeySchema.Table} (public_id, organization, workspace, description, hash, disabled_at, created_at, updated_at) " +
            "VALUES (@public_id, @organization, @workspace, @description, @hash, NULL, @created_at, @created_at)");
        Add(command, "public_id", key.PublicId);
        Add(command, "organization", DefaultScope);
        Add(command, "workspace", DefaultScope);
        Add(command, "description", description);
        Add(command, "hash", key.HashHex());
        Add(command, "created_at", dialect.Time(now));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> DisableApiKeyAsync(string publicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (var update = Command(connection, null,
            $"UPDATE {ApiKeySchema.Table} SET disabled_at = @now, updated_at = @now WHERE public_id = @public_id AND disabled_at IS NULL"))
        {
            Add(update, "now", dialect.Time(now));
            Add(update, "public_id", publicId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var select = Command(connection, null, $"SELECT disabled_at FROM {ApiKeySchema.Table} WHERE public_id = @public_id");
        Add(select, "public_id", publicId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0) ? SqlDialect.ReadTime(reader, 0) : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            $"SELECT public_id, description, created_at, disabled_at FROM {ApiKeySchema.Table} ORDER BY created_at, public_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new ApiKeyInfo(reader.GetString(0), SqlDialect.ReadText(reader, 1), SqlDialect.ReadTime(reader, 2),
                reader.IsDBNull(3) ? null : SqlDialect.ReadTime(reader, 3)));
        }
        return keys;
    }
}
