using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>The target of one request: where it goes and which region signs it.</summary>
/// <param name="Endpoint">The base URL, without a trailing slash.</param>
internal sealed record BedrockTarget(Uri Endpoint, string Region, string ModelId, string Operation)
{
    public string ResourcePath => $"/model/{SigV4Signer.ModelIdLabel}/{Operation}";

    public Uri Url => new($"{Endpoint.AbsoluteUri.TrimEnd('/')}/model/{SigV4Signer.EncodeModelId(ModelId)}/{Operation}");
}

/// <summary>
/// How a Bedrock provider authenticates, decided once at startup (TensorZero's priority): an <c>api_key</c> as Bearer,
/// explicit IAM fields, <c>AWS_BEARER_TOKEN_BEDROCK</c>, or the AWS SDK's default credential chain with SigV4.
/// </summary>
internal abstract class BedrockAuth
{
    public const string DisplayName = "AWS Bedrock";

    /// <summary>
    /// Adds the auth headers to <paramref name="message"/> (after every other header is set) and returns the secret to
    /// redact from provider errors.
    /// </summary>
    public abstract ValueTask<Secret?> AuthorizeAsync(
        HttpRequestMessage message,
        byte[] body,
        BedrockTarget target,
        RequestCredentials credentials,
        CancellationToken cancellationToken);
}

/// <summary><c>Authorization: Bearer</c> with a Bedrock API key (static, dynamic or a default/fallback pair).</summary>
internal sealed class BearerAuth(CredentialResolver key) : BedrockAuth
{
    public override ValueTask<Secret?> AuthorizeAsync(
        HttpRequestMessage message,
        byte[] body,
        BedrockTarget target,
        RequestCredentials credentials,
        CancellationToken cancellationToken)
    {
        var resolved = key.Require(credentials, DisplayName);
        ProviderHttp.SetBearer(message, resolved);
        return ValueTask.FromResult(resolved.Secret);
    }
}

/// <summary>Where SigV4 keys come from on each request.</summary>
internal abstract class AwsKeySource
{
    public abstract ValueTask<ImmutableCredentials> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken);
}

/// <summary>Keys read from the environment at startup (<c>env::</c> IAM fields).</summary>
internal sealed class StaticAwsKeys(Secret accessKeyId, Secret secretAccessKey, Secret? sessionToken) : AwsKeySource
{
    private readonly ImmutableCredentials _credentials = new(accessKeyId.Reveal(), secretAccessKey.Reveal(), sessionToken?.Reveal());

    public override ValueTask<ImmutableCredentials> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_credentials);
}

/// <summary>Keys from the request's <c>credentials</c> map (<c>dynamic::</c> IAM fields).</summary>
internal sealed class DynamicAwsKeys(string accessKeyIdKey, string secretAccessKeyKey, string? sessionTokenKey) : AwsKeySource
{
    public override ValueTask<ImmutableCredentials> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var accessKeyId = Lookup(credentials, "access_key_id", accessKeyIdKey, missing);
        var secretAccessKey = Lookup(credentials, "secret_access_key", secretAccessKeyKey, missing);
        var sessionToken = sessionTokenKey is null ? null : Lookup(credentials, "session_token", sessionTokenKey, missing);
        if (missing.Count > 0)
        {
            throw new GatewayError(ErrorKind.MissingCredential, $"API key missing for provider {BedrockAuth.DisplayName}: {string.Join("; ", missing)}");
        }
        return ValueTask.FromResult(new ImmutableCredentials(accessKeyId!.Reveal(), secretAccessKey!.Reveal(), sessionToken?.Reveal()));
    }

    private static Secret? Lookup(RequestCredentials credentials, string field, string key, List<string> missing)
    {
        switch (credentials.TryGetHeaderValue(key, out var secret))
        {
            case CredentialLookup.Found:
                return secret;
            case CredentialLookup.Empty:
                missing.Add($"Dynamic `{field}`: {HeaderValues.EmptyCredential(key)}");
                return null;
            case CredentialLookup.NotSendable:
                throw new GatewayError(ErrorKind.MissingCredential, $"Invalid API key for provider {BedrockAuth.DisplayName}: {HeaderValues.NotSendableCredential(key)}");
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
internal sealed class SdkAwsKeys(Func<CancellationToken, Task<AWSCredentials>> chain) : AwsKeySource
{
    public static readonly SdkAwsKeys Default = new(token => DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync());

    public override async ValueTask<ImmutableCredentials> GetAsync(RequestCredentials credentials, CancellationToken cancellationToken)
    {
        try
        {
            var found = await chain(cancellationToken).ConfigureAwait(false);
            return await found.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException)
        {
            // The SDK's message lists which sources it tried (or what STS / the metadata service said); it names
            // sources, never key values.
            throw new GatewayError(ErrorKind.CredentialUnavailable,
                $"API key missing for provider {BedrockAuth.DisplayName}: the AWS SDK credential chain found no credentials: {e.Message.Trim()}");
        }
    }
}

/// <summary>SigV4 with service name <c>bedrock</c> and the request's region.</summary>
internal sealed class SigV4Auth(AwsKeySource keys, TimeProvider time) : BedrockAuth
{
    public override async ValueTask<Secret?> AuthorizeAsync(
        HttpRequestMessage message,
        byte[] body,
        BedrockTarget target,
        RequestCredentials credentials,
        CancellationToken cancellationToken)
    {
        var current = await keys.GetAsync(credentials, cancellationToken).ConfigureAwait(false);
        SigV4Signer.Sign(message, body, target.Endpoint, target.ResourcePath, target.ModelId, current, target.Region, time.GetUtcNow().UtcDateTime);
        return new Secret(current.SecretKey);
    }
}
