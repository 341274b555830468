using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Egress;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>Where a provider's chat-completions requests go: fixed at startup, or taken from each request (Azure <c>dynamic::</c>).</summary>
public abstract class ChatCompletionsEndpoint
{
    public abstract Uri Resolve(RequestCredentials credentials, string providerDisplayName);

    /// <summary>Marks a request to a client-chosen URL so the egress guard checks where it goes; configured URLs are left alone.</summary>
    public virtual void MarkRequest(HttpRequestMessage message, string providerDisplayName)
    {
    }

    public static ChatCompletionsEndpoint Fixed(Uri url) => new FixedEndpoint(url);

    /// <summary>Azure's URL for a resource endpoint and a deployment.</summary>
    public static Uri AzureUrl(Uri resource, string deploymentId) =>
        new($"{resource.GetLeftPart(UriPartial.Path).TrimEnd('/')}/openai/deployments/{UrlSegment.Escape(deploymentId)}/chat/completions?api-version={AzureProviderFactory.ApiVersion}");

    /// <summary>Whether <paramref name="text"/> is an absolute http(s) URL.</summary>
    public static bool TryParseHttpUrl(string text, out Uri url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private sealed class FixedEndpoint(Uri url) : ChatCompletionsEndpoint
    {
        public override Uri Resolve(RequestCredentials credentials, string providerDisplayName) => url;
    }
}

/// <summary>
/// An Azure endpoint read from the request's <c>credentials</c> map on every call. The value is checked but never
/// echoed: values of that map never appear in a message. Requests to it are marked for the egress guard.
/// </summary>
public sealed class DynamicAzureEndpoint(SettingValue.Dynamic endpoint, string deploymentId) : ChatCompletionsEndpoint
{
    public override Uri Resolve(RequestCredentials credentials, string providerDisplayName)
    {
        if (!endpoint.TryResolve(credentials, out var value))
        {
            throw new GatewayError(ErrorKind.MissingCredential,
                $"Endpoint missing for provider {providerDisplayName}: Dynamic endpoint `{endpoint.Key}` is missing");
        }
        var resource = new ClientChosenUrl(endpoint.Key, providerDisplayName).Parse(value);
        return AzureUrl(resource, deploymentId);
    }

    public override void MarkRequest(HttpRequestMessage message, string providerDisplayName) =>
        new ClientChosenUrl(endpoint.Key, providerDisplayName).Mark(message);
}
