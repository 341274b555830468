using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Egress;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// What Azure chat and embedding providers configure alike: <c>deployment_id</c> (one URL path segment) and
/// <c>endpoint</c>, the resource URL, written as a URL, <c>env::VAR</c> (read once at startup) or <c>dynamic::KEY</c>
/// (from each request's credentials, and then only with a key the client sends too).
/// </summary>
internal static class AzureSettings
{
    /// <summary><c>deployment_id</c>: required, non-empty, and usable as one path segment; null after reporting why not.</summary>
    public static string? DeploymentId(ProviderSettings settings)
    {
        var deploymentId = RequiredString(settings, "deployment_id");
        if (deploymentId is not null && UrlSegment.Problem(deploymentId) is { } problem)
        {
            settings.Error("deployment_id", problem);
            return null;
        }
        return deploymentId;
    }

    /// <summary>
    /// <c>endpoint</c>: a <see cref="SettingValue.Fixed"/> absolute http(s) URL or a <see cref="SettingValue.Dynamic"/>
    /// key; null after reporting why not. A client-chosen endpoint receives whatever key the provider sends, so it is
    /// refused unless every credential the provider can send comes from the request too.
    /// </summary>
    /// <param name="credential">The provider's resolved credential.</param>
    /// <param name="apiKeyLocation">The credential as written, for the message; null when the type's default applies.</param>
    /// <param name="credentialField">The TOML key of the credential (<c>api_key_location</c>).</param>
    public static SettingValue? Endpoint(
        ProviderSettings settings,
        SettingResolver resolver,
        CredentialResolver credential,
        CredentialSpec? apiKeyLocation,
        string credentialField)
    {
        if (RequiredString(settings, "endpoint") is not { } text)
        {
            return null;
        }
        var problems = new List<string>();
        switch (resolver.Resolve(text, problems))
        {
            case SettingValue.Dynamic dynamic:
                // A client-chosen endpoint receives whatever key the provider sends: fine for a key the client sent
                // itself, a leak for the gateway's own key.
                if (!credential.IsClientSuppliedOnly)
                {
                    var keyPath = $"{settings.Path}.{credentialField}";
                    var current = apiKeyLocation is { } spec
                        ? $"`{keyPath}` is `{spec}`"
                        : $"`{keyPath}` is not set, so the default credential of `azure` providers is used";
                    settings.Error("endpoint",
                        $"a client-chosen endpoint (`dynamic::{dynamic.Key}`) receives the API key, so the key must come from the request too: " +
                        $"use `{credentialField} = \"dynamic::...\"`, with a `dynamic::` fallback if any ({current})");
                }
                return dynamic;
            case SettingValue.Fixed { Value: var url, Variable: var variable } fixedValue:
                if (!ChatCompletionsEndpoint.TryParseHttpUrl(url, out _))
                {
                    var source = variable is null ? "" : $" (from environment variable `{variable}`)";
                    settings.Error("endpoint", $"the endpoint{source} is not an absolute http(s) URL (use a URL, `env::VAR` or `dynamic::KEY`)");
                    return null;
                }
                return fixedValue;
            default:
                foreach (var problem in problems)
                {
                    settings.Error("endpoint", problem);
                }
                return null;
        }
    }

    /// <summary>
    /// The resource URL of one request: the configured one, or the client's value of a <c>dynamic::</c> endpoint,
    /// checked as every client-chosen URL is and never echoed.
    /// </summary>
    public static Uri Resource(SettingValue endpoint, RequestCredentials credentials, string providerDisplayName)
    {
        switch (endpoint)
        {
            case SettingValue.Fixed fixedValue:
                return new Uri(fixedValue.Value);
            case SettingValue.Dynamic dynamic when dynamic.TryResolve(credentials, out var value):
                return new ClientChosenUrl(dynamic.Key, providerDisplayName).Parse(value);
            case SettingValue.Dynamic dynamic:
                throw new GatewayError(ErrorKind.MissingCredential,
                    $"Endpoint missing for provider {providerDisplayName}: Dynamic endpoint `{dynamic.Key}` is missing");
            default:
                throw new InvalidOperationException("unknown setting value");
        }
    }

    /// <summary>An Azure deployment's URL for one operation (<c>chat/completions</c>, <c>embeddings</c>), with the API version.</summary>
    public static Uri DeploymentUrl(Uri resource, string deploymentId, string operation) =>
        new($"{resource.GetLeftPart(UriPartial.Path).TrimEnd('/')}/openai/deployments/{UrlSegment.Escape(deploymentId)}/{operation}?api-version={AzureProviderFactory.ApiVersion}");

    private static string? RequiredString(ProviderSettings settings, string key)
    {
        const string NonEmpty = "must be a non-empty string";
        if (!settings.Has(key))
        {
            settings.Error(key, "is required for `azure` providers");
            return null;
        }
        var text = settings.String(key, NonEmpty);
        if (text is "")
        {
            settings.Error(key, NonEmpty);
        }
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
