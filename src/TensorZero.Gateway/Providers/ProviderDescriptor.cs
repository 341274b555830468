using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// Everything the gateway knows of a provider type apart from how to build one: its credential rules, the headers its
/// credential travels in, and which config features it takes part in. Each factory declares one; the embedding factory
/// of a type declares the same one as its chat factory.
/// </summary>
/// <param name="Credentials">The TOML key of its credential, the default location and the forms it accepts.</param>
/// <param name="AuthHeaders">
/// The request headers its credential (or a signature made with it) travels in, lowercase. A request's
/// <c>extra_headers</c> can't set them.
/// </param>
/// <param name="SupportsShorthand">Whether <c>type::model</c> names are accepted.</param>
/// <param name="HasDefaultsTable">Whether <c>[provider_types.T.defaults]</c> applies.</param>
public sealed record ProviderDescriptor(
    CredentialRules Credentials,
    IReadOnlyList<string> AuthHeaders,
    bool SupportsShorthand,
    bool HasDefaultsTable = true)
{
    /// <summary>The TOML <c>type</c> string.</summary>
    public string Type => Credentials.Type;

    /// <summary>The provider's name in error messages.</summary>
    public string DisplayName => Credentials.DisplayName;
}
