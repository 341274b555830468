using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Egress;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Builds <c>type = "azure"</c> embedding providers: <c>deployment_id</c> and <c>endpoint</c> as for Azure chat
/// providers (<see cref="AzureSettings"/>, the pairing rule of a <c>dynamic::</c> endpoint included), the Azure
/// credential rules and <c>api-key</c> header. There is no <c>model_name</c>: the deployment is the model.
/// </summary>
public sealed class AzureEmbeddingProviderFactory : IEmbeddingProviderFactory
{
    public ProviderDescriptor Descriptor => OpenAIFlavours.Azure.Descriptor;

    public IReadOnlyCollection<string> SettingKeys => OpenAIFlavours.Azure.SettingKeys;

    public IEmbeddingProvider Create(EmbeddingProviderBuildContext context)
    {
        var config = context.Config;
        var resolver = context.SettingResolver ?? throw new InvalidOperationException("an Azure embedding provider resolves its endpoint through the credential layer");
        var settings = context.ReadSettings();
        var deploymentId = AzureSettings.DeploymentId(settings);
        var endpoint = AzureSettings.Endpoint(settings, resolver, context.Credential, config.ApiKeyLocation, Descriptor.Credentials.CredentialField);
        var auth = OpenAIFlavours.Azure.AuthSchemeFor(context.Credential, Descriptor.DisplayName);
        return new AzureEmbeddingProvider(
            config,
            Descriptor.DisplayName,
            deploymentId ?? "unset",
            endpoint ?? new SettingValue.Fixed("http://localhost/"),
            auth,
            context.HttpClients,
            context.Secrets);
    }
}

/// <summary>
/// A client of Azure OpenAI's <c>POST {endpoint}/openai/deployments/{deployment_id}/embeddings?api-version=…</c>
/// with an <c>api-key</c> header: OpenAI's embeddings body and answer, without <c>model</c> in the body.
/// </summary>
public sealed class AzureEmbeddingProvider(
    EmbeddingProviderConfig config,
    string displayName,
    string deploymentId,
    SettingValue endpoint,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IEmbeddingProvider
{
    public string Type => "azure";

    public async Task<EmbeddingProviderResponse> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var url = AzureSettings.DeploymentUrl(AzureSettings.Resource(endpoint, credentials, displayName), deploymentId, "embeddings");
        var rawRequest = BuildBody(request);
        using var message = ProviderHttp.JsonPost(url, rawRequest, config.ExtraHeaders);
        if (endpoint is SettingValue.Dynamic dynamic)
        {
            new ClientChosenUrl(dynamic.Key, displayName).Mark(message);
        }
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, key, displayName, scope, cancellationToken).ConfigureAwait(false);
        return OpenAIEmbeddingWire.ParseResponse(rawRequest, rawResponse, request.Input.Texts.Count, displayName) with { Secrets = scope };
    }

    /// <summary>The exact body this provider sends for <paramref name="request"/>.</summary>
    public string BuildBody(EmbeddingRequest request)
    {
        var body = OpenAIEmbeddingWire.BuildRequest(string.Empty, request);
        // The deployment in the URL names the model.
        body.Remove("model");
        JsonPointer.Apply(body, config.ExtraBody);
        return body.ToJsonString();
    }
}
