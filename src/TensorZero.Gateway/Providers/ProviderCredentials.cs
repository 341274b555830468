using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers;

/// <summary>The one way providers obtain their credential for a call.</summary>
public static class ProviderCredentials
{
    /// <summary>Resolves the credential or fails with a 400-class error naming the missing key and the provider.</summary>
    public static ResolvedCredential Require(this CredentialResolver resolver, RequestCredentials request, string providerDisplayName)
    {
        if (resolver.TryResolve(request, out var credential, out var reason))
        {
            return credential;
        }
        throw new GatewayError(ErrorKind.MissingCredential, $"API key missing for provider {providerDisplayName}: {reason}");
    }
}
