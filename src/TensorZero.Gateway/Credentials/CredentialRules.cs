using TensorZero.Gateway.Configuration;
namespace TensorZero.Gateway.Credentials;

/// <summary>Which location forms a provider type's credential field accepts.</summary>
[Flags]
public enum CredentialForms
{
    None = 0,
    Env = 1,
    Dynamic = 2,
    NoCredential = 4,
    Path = 8,
    Sdk = 16,

    /// <summary>A key from the environment, a file (re-read when it changes) or the request.</summary>
    Keyed = Env | Dynamic | Path,

    /// <summary>A key from the environment, a file or the request, or none (servers that may run without one).</summary>
    KeyedOrNone = Keyed | NoCredential,
}

/// <summary>
/// What the credential layer knows of a provider type: its name in messages, the TOML key of its credential, its
/// default location and the forms it accepts. Each provider type declares one in its descriptor.
/// </summary>
/// <param name="Type">The TOML <c>type</c> string.</param>
/// <param name="DisplayName">The provider's name in error messages.</param>
/// <param name="CredentialField">The TOML key holding the location.</param>
/// <param name="Default">The default location when a provider sets none.</param>
/// <param name="AlternateEnvVariable">Read when the default <c>env::</c> variable is unset.</param>
/// <param name="Allowed">Forms this type can use.</param>
public sealed record CredentialRules(
    string Type,
    string DisplayName,
    string CredentialField,
    CredentialSpec Default,
    string? AlternateEnvVariable,
    CredentialForms Allowed)
{
    /// <summary>The TOML key of most provider types' credential.</summary>
    public const string ApiKeyLocation = "api_key_location";

    /// <summary>
    /// Whether a <c>path::</c> file holds a service-account key file (GCP's JSON) rather than a key that is sent in an
    /// HTTP header as it is.
    /// </summary>
    public bool FileIsServiceAccountKey { get; init; }

    /// <summary>
    /// A check of a credentials file's contents run before a reload replaces the value in use (a GCP key file must
    /// still parse); returns a problem naming no value, or null. A file that fails it keeps the old value.
    /// </summary>
    public Func<Secret, string?>? FileCheck { get; init; }

    /// <summary>An API key in <c>api_key_location</c>, read from <c>env::</c><paramref name="variable"/> by default.</summary>
    public static CredentialRules ApiKey(string type, string displayName, string variable, CredentialForms allowed, string? alternate = null) =>
        new(type, displayName, ApiKeyLocation, new CredentialSpec(new CredentialLocation.Env(variable)), alternate, allowed);

    /// <summary>An optional key in <c>api_key_location</c>: none by default (self-hosted servers).</summary>
    public static CredentialRules NoKeyByDefault(string type, string displayName, CredentialForms allowed) =>
        new(type, displayName, ApiKeyLocation, new CredentialSpec(new CredentialLocation.None()), null, allowed);

    public bool Accepts(CredentialLocation location) => location switch
    {
        CredentialLocation.Env => Allowed.HasFlag(CredentialForms.Env),
        CredentialLocation.Dynamic => Allowed.HasFlag(CredentialForms.Dynamic),
        CredentialLocation.None => Allowed.HasFlag(CredentialForms.NoCredential),
        CredentialLocation.FilePath or CredentialLocation.PathFromEnv => Allowed.HasFlag(CredentialForms.Path),
        CredentialLocation.Sdk => Allowed.HasFlag(CredentialForms.Sdk),
        _ => false,
    };

    public string AllowedFormsText
    {
        get
        {
            var forms = new List<string>();
            if (Allowed.HasFlag(CredentialForms.Env)) { forms.Add("`env::VAR`"); }
            if (Allowed.HasFlag(CredentialForms.Dynamic)) { forms.Add("`dynamic::KEY`"); }
            if (Allowed.HasFlag(CredentialForms.Path)) { forms.Add("`path::FILE`"); forms.Add("`path_from_env::VAR`"); }
            if (Allowed.HasFlag(CredentialForms.Sdk)) { forms.Add("`sdk`"); }
            if (Allowed.HasFlag(CredentialForms.NoCredential)) { forms.Add("`none`"); }
            return string.Join(", ", forms);
        }
    }
}
