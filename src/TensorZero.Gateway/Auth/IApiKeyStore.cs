namespace TensorZero.Gateway.Auth;

/// <summary>One stored key as the commands list it: its public id and times, never its hash.</summary>
public sealed record ApiKeyInfo(string PublicId, string? Description, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

/// <summary>What the gateway needs to check a presented key: the stored hash and whether the key is disabled.</summary>
public sealed record StoredApiKey(string PublicId, string HashHex, DateTimeOffset? DisabledAt);

/// <summary>The gateway API keys in the store (the table of schema step 4).</summary>
public interface IApiKeyStore
{
    /// <summary>The key named <paramref name="publicId"/>, or null.</summary>
    Task<StoredApiKey?> FindApiKeyAsync(string publicId, CancellationToken cancellationToken);

    /// <summary>Stores a new key; its public id must be new.</summary>
    Task InsertApiKeyAsync(GatewayApiKey key, string? description, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Disables the key; returns when it was disabled (now, or earlier), or null for an unknown id.</summary>
    Task<DateTimeOffset?> DisableApiKeyAsync(string publicId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every key, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken cancellationToken);
}
