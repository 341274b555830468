using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.Egress;

/// <summary>
/// Where a provider URL came from when a client chose it: the <c>credentials</c> key that held it and the provider.
/// A request marked with it goes through the egress guard (<see cref="EgressHandler"/>); configured URLs are not marked.
/// Problems are 400s naming the key, never the value, and they stay 400s through the model and variant fallbacks.
/// </summary>
public sealed record ClientChosenUrl(string CredentialKey, string ProviderDisplayName)
{
    private static readonly HttpRequestOptionsKey<ClientChosenUrl> OptionKey = new("tensorzero.client_chosen_url");

    /// <summary>Marks <paramref name="message"/> as sent to a URL this client chose.</summary>
    public void Mark(HttpRequestMessage message) => message.Options.Set(OptionKey, this);

    public static ClientChosenUrl? Of(HttpRequestMessage message) =>
        message.Options.TryGetValue(OptionKey, out var origin) ? origin : null;

    /// <summary>Parses the client's value: an absolute http(s) URL without user name or password.</summary>
    public Uri Parse(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
        {
            throw Invalid("is not an absolute http(s) URL");
        }
        CheckForm(url);
        return url;
    }

    /// <summary>The checks that need no DNS: scheme, host and user info.</summary>
    public void CheckForm(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            throw Invalid("is not an absolute http(s) URL");
        }
        // With the delimiter, an empty user info (`http://@host/`) shows as `@` too.
        if (url.GetComponents(UriComponents.UserInfo | UriComponents.KeepDelimiter, UriFormat.UriEscaped).Length > 0)
        {
            throw Invalid("must not contain a user name or password");
        }
    }

    /// <summary>The host is not one a client-chosen URL may reach, or not one that resolves.</summary>
    public GatewayError Refused() => Invalid(
        "names a host this gateway may not call: client-chosen URLs may only reach public addresses (loopback, private and link-local ones are refused unless `[gateway] allowed_dynamic_hosts` lists them), and the host must resolve");

    public GatewayError Invalid(string problem) => new(
        ErrorKind.MissingCredential,
        $"Invalid endpoint for provider {ProviderDisplayName}: the value of `{CredentialKey}` in `credentials` {problem}");
}
