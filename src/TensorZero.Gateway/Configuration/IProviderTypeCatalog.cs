namespace TensorZero.Gateway.Configuration;

/// <summary>What the config loader needs to know of one provider type to check its tables.</summary>
/// <param name="CredentialField">The TOML key of the type's credential (<c>api_key_location</c> for most).</param>
/// <param name="SettingKeys">The type's own keys under <c>[models.M.providers.P]</c>.</param>
/// <param name="HasDefaultsTable">Whether <c>[provider_types.T.defaults]</c> applies.</param>
public sealed record ProviderTableKeys(string Type, string CredentialField, IReadOnlyCollection<string> SettingKeys, bool HasDefaultsTable);

/// <summary>
/// The provider types a config may name. The provider registry implements it, so the config loader checks provider
/// tables without depending on the providers.
/// </summary>
public interface IProviderTypeCatalog
{
    /// <summary>Every chat provider type, in order.</summary>
    IEnumerable<string> Types { get; }

    /// <summary>The provider types that serve embedding models, in order.</summary>
    IEnumerable<string> EmbeddingTypes { get; }

    ProviderTableKeys? FindTable(string type);

    ProviderTableKeys? FindEmbeddingTable(string type);

    /// <summary>Whether <paramref name="name"/> is a shorthand model name such as <c>openai::gpt-4o-mini</c>.</summary>
    bool IsShorthand(string name);
}
