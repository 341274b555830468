using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// A non-secret setting (<c>region</c>, <c>endpoint_url</c>) known at startup or looked up per request in the
/// <c>credentials</c> map (<c>dynamic::</c>).
/// </summary>
internal abstract record BedrockLocation
{
    private BedrockLocation() { }

    /// <summary>A value fixed at startup (a literal, an <c>env::</c> variable, or the SDK's region chain).</summary>
    public sealed record Fixed(string Value) : BedrockLocation;

    /// <summary>A value from the request's <c>credentials</c> map.</summary>
    public sealed record Dynamic(string Key) : BedrockLocation;

    /// <summary>The value for one request; a missing dynamic key is a 400-class error naming the key.</summary>
    public string Resolve(RequestCredentials credentials, string setting)
    {
        switch (this)
        {
            case Fixed fixedValue:
                return fixedValue.Value;
            case Dynamic dynamic when credentials.TryGet(dynamic.Key, out var secret) && !string.IsNullOrWhiteSpace(secret?.Reveal()):
                return secret!.Reveal();
            case Dynamic dynamic:
                throw new GatewayError(ErrorKind.MissingCredential,
                    $"{BedrockAuth.DisplayName}: Dynamic {setting} '{dynamic.Key}' not found in credentials");
            default:
                throw new InvalidOperationException("unknown location");
        }
    }
}
