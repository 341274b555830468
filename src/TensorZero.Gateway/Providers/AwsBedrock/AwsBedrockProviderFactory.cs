using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Aws;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// Builds <c>type = "aws_bedrock"</c> providers and declares their auth scheme, in TensorZero's priority: an
/// <c>api_key</c> as Bearer, explicit IAM fields with SigV4, <c>AWS_BEARER_TOKEN_BEDROCK</c> as Bearer, or the AWS SDK's
/// default credential chain with SigV4. Region, endpoint and IAM fields are read as every AWS type reads them
/// (<see cref="AwsSettings"/>); <c>api_key</c> is the provider type's credential field and reaches the factory as
/// <see cref="ProviderBuildContext.Credential"/>.
/// </summary>
public sealed class AwsBedrockProviderFactory : IProviderFactory
{
    public const string BearerTokenVariable = "AWS_BEARER_TOKEN_BEDROCK";

    // Null: the AWS SDK's own chains, taken when a provider of this type is built, so a gateway without one never
    // loads the SDK.
    private readonly AwsSdkDefaults? _sdk;

    public AwsBedrockProviderFactory()
    {
    }

    internal AwsBedrockProviderFactory(AwsSdkDefaults sdk)
    {
        _sdk = sdk;
    }

    // A Bedrock API key is a bearer token; IAM keys sign the request (SigV4), which adds the `x-amz-*` headers.
    public ProviderDescriptor Descriptor { get; } = new(
        new CredentialRules("aws_bedrock", AwsBedrockProvider.DisplayName, "api_key", new CredentialSpec(new CredentialLocation.Sdk()), BearerTokenVariable,
            CredentialForms.Env | CredentialForms.Dynamic | CredentialForms.Path | CredentialForms.Sdk),
        SigV4Auth.Headers.Union(BearerAuth.Headers).ToList(),
        SupportsShorthand: false,
        HasDefaultsTable: false);

    // `api_key` is the type's credential field: the config loader accepts and parses it like `api_key_location`.
    public IReadOnlyCollection<string> SettingKeys { get; } =
        ["model_id", "region", "endpoint_url", "access_key_id", "secret_access_key", "session_token", "allow_auto_detect_region"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var settings = context.ReadSettings();
        var aws = new AwsSettings("aws_bedrock", AwsBedrockProvider.DisplayName, settings, context, _sdk ?? AwsSdkDefaults.Default);
        var modelId = settings.String("model_id");
        if (modelId is null && !settings.HasProblem("model_id"))
        {
            settings.Error("model_id", "is required for `aws_bedrock` providers");
        }
        else if (modelId is not null && UrlSegment.Problem(modelId) is { } problem)
        {
            settings.Error("model_id", problem);
            modelId = null;
        }
        var region = aws.Region();
        var endpoint = aws.Endpoint();
        var auth = ParseAuth(settings, aws, context, out var serverHeld);
        if (auth is not null)
        {
            aws.RequireClientCredentials(endpoint, serverHeld,
                "set `api_key`, or `access_key_id` and `secret_access_key` (and `session_token`), to `dynamic::`");
        }
        var location = new AwsLocation(
            AwsBedrockProvider.DisplayName, region ?? new SettingValue.Fixed("us-east-1"), endpoint, r => $"https://bedrock-runtime.{r}.amazonaws.com");
        return new AwsBedrockProvider(
            context.Config,
            modelId ?? string.Empty,
            location,
            auth,
            context.HttpClients,
            context.Loggers.CreateLogger<AwsBedrockProvider>(),
            context.Secrets);
    }

    /// <param name="serverHeld">How the gateway's own credentials would be used, or null when all come from the request.</param>
    private static AuthScheme? ParseAuth(ProviderSettings settings, AwsSettings aws, ProviderBuildContext context, out string? serverHeld)
    {
        serverHeld = null;
        var iam = new Dictionary<string, CredentialLocation>(StringComparer.Ordinal);
        foreach (var field in AwsSettings.IamFields)
        {
            if (aws.IamField(field) is { } location)
            {
                iam[field] = location;
            }
        }

        if (context.Config.ApiKeyLocation is { } apiKey)
        {
            var valid = true;
            if (iam.Count > 0 || AwsSettings.IamFields.Any(settings.Has))
            {
                settings.Error("api_key", "can't be combined with `access_key_id`, `secret_access_key` or `session_token`: use one way to authenticate");
                valid = false;
            }
            if (apiKey.Default is CredentialLocation.Sdk || apiKey.Fallback is CredentialLocation.Sdk)
            {
                settings.Error("api_key", "`sdk` can't be used for `api_key` (use `env::`, `path::` or `dynamic::`; without any credential field the AWS SDK credential chain is used)");
                valid = false;
            }
            if (!context.Credential.IsClientSuppliedOnly)
            {
                serverHeld = $"`api_key` is `{apiKey}`";
            }
            return valid ? new BearerAuth(context.Credential, AwsBedrockProvider.DisplayName) : null;
        }

        if (AwsSettings.IamFields.Any(settings.Has))
        {
            if (iam.Values.Any(l => l is not CredentialLocation.Dynamic))
            {
                serverHeld = "the IAM fields are not all `dynamic::`";
            }
            // A field that is set but unusable was reported already.
            return iam.Count < AwsSettings.IamFields.Count(settings.Has) ? null : aws.Iam(iam);
        }

        var lookup = context.SettingResolver.ReadSecret(BearerTokenVariable, out var token);
        if (lookup != CredentialLookup.Missing)
        {
            serverHeld = $"no credential field is set, and `{BearerTokenVariable}` from the environment would be sent";
            if (lookup == CredentialLookup.NotSendable)
            {
                settings.Error(
                    $"environment variable `{BearerTokenVariable}` (used since no credential field is set) {HeaderValues.NotSendableProblem}");
                return null;
            }
            return new BearerAuth(new StaticCredentialResolver(CredentialKind.Static, token!), AwsBedrockProvider.DisplayName);
        }
        serverHeld = "no credential field is set, so the AWS SDK credential chain would be used";
        return aws.SdkChain();
    }
}
