using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Egress;

namespace TensorZero.Gateway.Providers.Aws;

/// <summary>
/// Where one AWS provider's requests go, resolved per request: the region (fixed, or from the request's
/// <c>credentials</c>) and the base URL (the service's regional host, a configured <c>endpoint_url</c>, or one the client
/// chose). A client's values are checked like every client-chosen setting, and named by their key, never echoed.
/// </summary>
/// <param name="regionalHost">The service's base URL in a region, e.g. <c>https://bedrock-runtime.{region}.amazonaws.com</c>.</param>
internal sealed class AwsLocation(string displayName, SettingValue region, SettingValue? endpoint, Func<string, string> regionalHost)
{
    /// <summary>The SigV4 target of one request, with <paramref name="label"/> in <paramref name="resourcePath"/> standing for <paramref name="labelValue"/>.</summary>
    public SigV4Target Target(RequestCredentials credentials, string service, string resourcePath, string label, string labelValue)
    {
        var regionName = Resolve(region, credentials, "region");
        // A bad value in the request's credentials map is the client's to fix: the credential kind keeps it a 400
        // through the model and variant wrappers.
        if (!AwsSettings.IsRegion(regionName))
        {
            throw new GatewayError(ErrorKind.MissingCredential, $"{displayName}: the region given in the request's credentials is not an AWS region name");
        }
        Uri baseUrl;
        if (endpoint is null)
        {
            baseUrl = new Uri(regionalHost(regionName));
        }
        else
        {
            var url = Resolve(endpoint, credentials, "endpoint");
            if (endpoint is SettingValue.Dynamic dynamic)
            {
                var origin = new ClientChosenUrl(dynamic.Key, displayName);
                origin.Parse(url);
                baseUrl = ParseEndpoint(url) ?? throw origin.Invalid("is not an absolute http(s) URL without query or fragment");
            }
            else
            {
                baseUrl = ParseEndpoint(url) ?? throw new GatewayError(ErrorKind.MissingCredential,
                    $"{displayName}: Invalid endpoint URL (not an absolute http(s) URL)");
            }
        }
        return new SigV4Target(baseUrl, regionName, service, resourcePath, label, labelValue);
    }

    /// <summary>Marks a request to a client-chosen endpoint so the egress guard checks where it goes.</summary>
    public void MarkRequest(HttpRequestMessage message)
    {
        if (endpoint is SettingValue.Dynamic dynamic)
        {
            new ClientChosenUrl(dynamic.Key, displayName).Mark(message);
        }
    }

    /// <summary>An absolute http(s) URL without a trailing slash, query or fragment, or null.</summary>
    public static Uri? ParseEndpoint(string url) =>
        Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? uri
            : null;

    /// <summary>A setting's value for one request; a missing dynamic key is a 400-class error naming the key.</summary>
    private string Resolve(SettingValue setting, RequestCredentials credentials, string name)
    {
        switch (setting)
        {
            case SettingValue.Fixed fixedValue:
                return fixedValue.Value;
            case SettingValue.Dynamic dynamic when dynamic.TryResolve(credentials, out var value):
                return value;
            case SettingValue.Dynamic dynamic:
                throw new GatewayError(ErrorKind.MissingCredential, $"{displayName}: Dynamic {name} '{dynamic.Key}' not found in credentials");
            default:
                throw new InvalidOperationException("unknown setting value");
        }
    }
}
