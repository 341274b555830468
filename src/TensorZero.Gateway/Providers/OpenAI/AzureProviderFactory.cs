using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Builds <c>type = "azure"</c> providers: OpenAI's wire at
/// <c>{endpoint}/openai/deployments/{deployment_id}/chat/completions?api-version=…</c> with an <c>api-key</c> header.
/// <c>endpoint</c> is a URL, <c>env::VAR</c> (read once at startup) or <c>dynamic::KEY</c> (from each request's credentials),
/// resolved like every credential-like setting by <see cref="SettingResolver"/>.
/// </summary>
public sealed class AzureProviderFactory : IProviderFactory
{
    public const string ApiVersion = "2025-04-01-preview";

    public ProviderDescriptor Descriptor => OpenAIFlavours.Azure.Descriptor;

    public IReadOnlyCollection<string> SettingKeys => OpenAIFlavours.Azure.SettingKeys;

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        var settings = context.ReadSettings();
        var deploymentId = RequiredString(settings, "deployment_id");
        if (deploymentId is not null && UrlSegment.Problem(deploymentId) is { } problem)
        {
            settings.Error("deployment_id", problem);
            deploymentId = null;
        }
        var endpointText = RequiredString(settings, "endpoint");
        var endpoint = ChatCompletionsEndpoint.Fixed(new Uri("http://localhost/"));
        if (deploymentId is not null && endpointText is not null)
        {
            endpoint = Endpoint(context, settings, endpointText, deploymentId) ?? endpoint;
        }
        var flavour = OpenAIFlavours.Azure;
        var auth = flavour.AuthSchemeFor(context.Credential, context.Descriptor.DisplayName);
        return new OpenAIProvider(
            flavour, config, context.Descriptor.DisplayName, endpoint, new JsonObject(), auth, context.HttpClients, context.Secrets);
    }

    private static ChatCompletionsEndpoint? Endpoint(ProviderBuildContext context, ProviderSettings settings, string text, string deploymentId)
    {
        var problems = new List<string>();
        switch (context.SettingResolver.Resolve(text, problems))
        {
            case SettingValue.Dynamic dynamic:
                // A client-chosen endpoint receives whatever key the provider sends: fine for a key the client sent
                // itself, a leak for the gateway's own key.
                if (!context.Credential.IsClientSuppliedOnly)
                {
                    var keyPath = $"{context.Config.Path}.{context.Descriptor.Credentials.CredentialField}";
                    var current = context.Config.ApiKeyLocation is { } spec
                        ? $"`{keyPath}` is `{spec}`"
                        : $"`{keyPath}` is not set, so the default credential of `azure` providers is used";
                    settings.Error("endpoint",
                        $"a client-chosen endpoint (`dynamic::{dynamic.Key}`) receives the API key, so the key must come from the request too: " +
                        $"use `{context.Descriptor.Credentials.CredentialField} = \"dynamic::...\"`, with a `dynamic::` fallback if any ({current})");
                }
                return new DynamicAzureEndpoint(dynamic, deploymentId);
            case SettingValue.Fixed { Value: var url, Variable: var variable }:
                if (!ChatCompletionsEndpoint.TryParseHttpUrl(url, out var resource))
                {
                    var source = variable is null ? "" : $" (from environment variable `{variable}`)";
                    settings.Error("endpoint", $"the endpoint{source} is not an absolute http(s) URL (use a URL, `env::VAR` or `dynamic::KEY`)");
                    return null;
                }
                return ChatCompletionsEndpoint.Fixed(ChatCompletionsEndpoint.AzureUrl(resource, deploymentId));
            default:
                foreach (var problem in problems)
                {
                    settings.Error("endpoint", problem);
                }
                return null;
        }
    }

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
