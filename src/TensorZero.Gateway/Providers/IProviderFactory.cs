using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>Everything a factory needs to build one provider.</summary>
/// <param name="Errors">Startup problems are appended here (with the provider's TOML path) so all are reported at once.</param>
/// <param name="SettingResolver">
/// Resolves the provider's other credential-like settings at startup (AWS IAM keys, regions, endpoints) the way the
/// credential field is resolved; providers never read the environment themselves.
/// </param>
public sealed record ProviderBuildContext(
    ProviderConfig Config,
    ProviderDescriptor Descriptor,
    CredentialResolver Credential,
    IHttpClientFactory HttpClients,
    ILoggerFactory Loggers,
    TimeProvider Time,
    ICollection<string> Errors,
    SettingResolver SettingResolver)
{
    /// <summary>
    /// A reader of the provider's type-specific keys (<see cref="ProviderConfig.Settings"/>); its problems go to
    /// <see cref="Errors"/> with their TOML paths. Take one per build: it remembers which keys had problems.
    /// </summary>
    public ProviderSettings ReadSettings() => new(Config.Path, Config.Settings, Errors);

    /// <summary>
    /// Where problems with the credential itself (an unreadable key file) go; <see cref="Errors"/> unless set. Shorthand
    /// models built during a request set it, so a broken server-side credential is reported as such, not as a bad name.
    /// </summary>
    public ICollection<string>? CredentialErrors { get; init; }

    public ICollection<string> CredentialProblems => CredentialErrors ?? Errors;

    /// <summary>The gateway-held keys, redacted from this provider's errors along with the request's.</summary>
    public SecretRegistry Secrets { get; init; } = new();
}

/// <summary>
/// Builds providers of one TOML <c>type</c>. Adding a provider type is a folder with a factory and one registration
/// line in <see cref="BuiltInProviders"/>.
/// </summary>
public interface IProviderFactory
{
    /// <summary>The provider type this factory builds: its TOML <c>type</c>, credential rules and auth headers.</summary>
    ProviderDescriptor Descriptor { get; }

    /// <summary>Type-specific keys accepted under <c>[models.M.providers.P]</c>, besides the shared ones.</summary>
    IReadOnlyCollection<string> SettingKeys { get; }

    IModelProvider Create(ProviderBuildContext context);

    /// <summary>
    /// What the model part of a shorthand name (<c>type::model</c>) stands for: the model name and any settings it
    /// implies (<c>openai::responses::gpt-5</c> is model <c>gpt-5</c> on the Responses API). Null when it names no model.
    /// </summary>
    ShorthandModel? Shorthand(string modelName) => modelName.Length == 0 ? null : new ShorthandModel(modelName, ProviderSettingsTable.Empty);
}

/// <summary>The provider a shorthand model name stands for: its model name and the type-specific settings the name implies.</summary>
public sealed record ShorthandModel(string ModelName, ProviderSettingsTable Settings);
