using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.Gcp;

/// <summary>
/// What the Vertex AI provider types share: a service-account key file (or a bearer token from the request, or the
/// SDK's application default credentials) in <c>credential_location</c>, sent as a bearer token.
/// </summary>
internal static class GcpVertexDescriptor
{
    public const string CredentialsPathVariable = "GCP_VERTEX_CREDENTIALS_PATH";

    public static ProviderDescriptor For(string type, string displayName) => new(
        new CredentialRules(type, displayName, "credential_location",
            new CredentialSpec(new CredentialLocation.PathFromEnv(CredentialsPathVariable)), AlternateEnvVariable: null,
            CredentialForms.Path | CredentialForms.Dynamic | CredentialForms.Sdk)
        {
            FileIsServiceAccountKey = true,
            FileCheck = GcpServiceAccount.Check,
        },
        GcpTokenAuth.Headers,
        SupportsShorthand: true);
}
