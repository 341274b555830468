using System.Text.Json.Nodes;
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
        var deploymentId = AzureSettings.DeploymentId(settings);
        var endpoint = ChatCompletionsEndpoint.Fixed(new Uri("http://localhost/"));
        var location = AzureSettings.Endpoint(
            settings, context.SettingResolver, context.Credential, config.ApiKeyLocation, context.Descriptor.Credentials.CredentialField);
        switch (location)
        {
            case SettingValue.Dynamic dynamic when deploymentId is not null:
                endpoint = new DynamicAzureEndpoint(dynamic, deploymentId);
                break;
            case SettingValue.Fixed { Value: var url } when deploymentId is not null:
                endpoint = ChatCompletionsEndpoint.Fixed(ChatCompletionsEndpoint.AzureUrl(new Uri(url), deploymentId));
                break;
        }
        var flavour = OpenAIFlavours.Azure;
        var auth = flavour.AuthSchemeFor(context.Credential, context.Descriptor.DisplayName);
        return new OpenAIProvider(
            flavour, config, context.Descriptor.DisplayName, endpoint, new JsonObject(), auth, context.HttpClients, context.Secrets);
    }
}
