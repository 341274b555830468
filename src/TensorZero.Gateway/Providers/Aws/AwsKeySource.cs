using Amazon.Runtime;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.Aws;

/// <summary>The AWS keys that sign one request; only <see cref="SigV4Auth"/> reads their values, to sign.</summary>
internal sealed record AwsKeys(Secret AccessKeyId, Secret SecretAccessKey, Secret? SessionToken);

/// <summary>Where SigV4 keys come from on each request.</summary>
internal abstract class AwsKeySource
{
    public abstract ValueTask<AwsKeys> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken);
}

/// <summary>Keys read from the environment at startup (<c>env::</c> IAM fields).</summary>
internal sealed class StaticAwsKeys(AwsKeys keys) : AwsKeySource
{
    public override ValueTask<AwsKeys> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken) =>
        ValueTask.FromResult(keys);
}

/// <summary>Keys from the request's <c>credentials</c> map (<c>dynamic::</c> IAM fields).</summary>
internal sealed class DynamicAwsKeys(string providerDisplayName, string accessKeyIdKey, string secretAccessKeyKey, string? sessionTokenKey) : AwsKeySource
{
    public override ValueTask<AwsKeys> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var accessKeyId = Lookup(credentials, "access_key_id", accessKeyIdKey, missing);
        var secretAccessKey = Lookup(credentials, "secret_access_key", secretAccessKeyKey, missing);
        var sessionToken = sessionTokenKey is null ? null : Lookup(credentials, "session_token", sessionTokenKey, missing);
        if (missing.Count > 0)
        {
            throw new GatewayError(ErrorKind.MissingCredential, $"API key missing for provider {providerDisplayName}: {string.Join("; ", missing)}");
        }
        return ValueTask.FromResult(new AwsKeys(accessKeyId!, secretAccessKey!, sessionToken));
    }

    private Secret? Lookup(RequestCredentials credentials, string field, string key, List<string> missing)
    {
        switch (credentials.TryGetHeaderValue(key, out var secret))
        {
            case CredentialLookup.Found:
                return secret;
            case CredentialLookup.Empty:
                missing.Add($"Dynamic `{field}`: {HeaderValues.EmptyCredential(key)}");
                return null;
            case CredentialLookup.NotSendable:
                throw new GatewayError(ErrorKind.MissingCredential,
                    $"Invalid API key for provider {providerDisplayName}: {HeaderValues.NotSendableCredential(key)}");
            default:
                missing.Add($"Dynamic `{field}` with key `{key}` is missing");
                return null;
        }
    }
}

/// <summary>
/// The AWS SDK's default credential chain (environment, shared profile, web identity, container and instance
/// metadata). The SDK caches what it found; temporary credentials refresh themselves before they expire, so the
/// current keys are asked for on every request.
/// </summary>
internal sealed class SdkAwsKeys(string providerDisplayName, Func<CancellationToken, Task<AWSCredentials>> chain) : AwsKeySource
{

    public override async ValueTask<AwsKeys> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken)
    {
        ImmutableCredentials current;
        try
        {
            var found = await chain(cancellationToken).ConfigureAwait(false);
            current = await found.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException)
        {
            // The SDK's message lists which sources it tried (or what STS / the metadata service said); it names
            // sources, never key values.
            throw new GatewayError(ErrorKind.CredentialUnavailable,
                $"API key missing for provider {providerDisplayName}: the AWS SDK credential chain found no credentials: {e.Message.Trim()}");
        }
        return new AwsKeys(
            new Secret(current.AccessKey),
            new Secret(current.SecretKey),
            current.UseToken ? new Secret(current.Token) : null);
    }
}

/// <summary>
/// What the AWS SDK discovers on its own: the default credential chain and the default region chain
/// (<c>AWS_REGION</c>, the profile). Tests replace them, since the real ones read the process environment.
/// </summary>
internal sealed record AwsSdkDefaults(Func<CancellationToken, Task<AWSCredentials>> Credentials, Func<string?> Region)
{
    public static readonly AwsSdkDefaults Default = new(
        _ => Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(),
        () => FallbackRegionFactory.GetRegionEndpoint()?.SystemName);
}
