using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Aws;

namespace TensorZero.Gateway.Providers.AwsSageMaker;

/// <summary>
/// Builds <c>type = "aws_sagemaker"</c> providers: <c>endpoint_name</c>, <c>model_name</c> and <c>hosted_provider</c>
/// (<c>openai</c> or <c>tgi</c>) say what to call and in which body format; <c>region</c>, <c>endpoint_url</c> and the
/// IAM fields are read as every AWS type reads them (<see cref="AwsSettings"/>). Requests are always SigV4-signed: with
/// the IAM fields' keys, or the AWS SDK's default credential chain when none is set. There is no API key, no
/// <c>AWS_BEARER_TOKEN_BEDROCK</c>, no shorthand name and no <c>[provider_types]</c> defaults table, as in TensorZero.
/// </summary>
/// <remarks>
/// <c>access_key_id</c> is the type's credential field: the credential layer checks its form and reads its
/// <c>env::</c> variable at startup, and reports a missing one with its TOML path. <c>secret_access_key</c> and
/// <c>session_token</c> follow it and must come from the same source.
/// </remarks>
public sealed class AwsSageMakerProviderFactory : IProviderFactory
{
    // Null: the AWS SDK's own chains, taken when a provider of this type is built, so a gateway without one never
    // loads the SDK.
    private readonly AwsSdkDefaults? _sdk;

    public AwsSageMakerProviderFactory()
    {
    }

    internal AwsSageMakerProviderFactory(AwsSdkDefaults sdk)
    {
        _sdk = sdk;
    }

    public ProviderDescriptor Descriptor { get; } = new(
        new CredentialRules("aws_sagemaker", AwsSageMakerProvider.DisplayName, "access_key_id", new CredentialSpec(new CredentialLocation.Sdk()), null,
            CredentialForms.Env | CredentialForms.Dynamic | CredentialForms.Sdk),
        SigV4Auth.Headers,
        SupportsShorthand: false,
        HasDefaultsTable: false);

    public IReadOnlyCollection<string> SettingKeys { get; } =
        ["endpoint_name", "model_name", "hosted_provider", "region", "allow_auto_detect_region", "endpoint_url", "secret_access_key", "session_token"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var settings = context.ReadSettings();
        var aws = new AwsSettings("aws_sagemaker", AwsSageMakerProvider.DisplayName, settings, context, _sdk ?? AwsSdkDefaults.Default);
        var endpointName = settings.String("endpoint_name");
        if (endpointName is null && !settings.HasProblem("endpoint_name"))
        {
            settings.Error("endpoint_name", "is required for `aws_sagemaker` providers");
        }
        else if (endpointName is not null && UrlSegment.Problem(endpointName) is { } problem)
        {
            settings.Error("endpoint_name", problem);
            endpointName = null;
        }
        if (!settings.Has("model_name"))
        {
            settings.Error("model_name", "is required for `aws_sagemaker` providers (the model name the hosted server expects)");
        }
        var hosted = HostedProvider(settings);
        var region = aws.Region();
        var endpoint = aws.Endpoint();
        var auth = ParseAuth(settings, aws, context, out var serverHeld);
        if (auth is not null)
        {
            aws.RequireClientCredentials(endpoint, serverHeld, "set `access_key_id` and `secret_access_key` (and `session_token`) to `dynamic::`");
        }
        var location = new AwsLocation(
            AwsSageMakerProvider.DisplayName, region ?? new SettingValue.Fixed("us-east-1"), endpoint, r => $"https://runtime.sagemaker.{r}.amazonaws.com");
        return new AwsSageMakerProvider(
            context.Config,
            endpointName ?? string.Empty,
            hosted ?? SageMakerHostedProvider.OpenAI,
            location,
            auth,
            context.HttpClients,
            context.Secrets);
    }

    private static SageMakerHostedProvider? HostedProvider(ProviderSettings settings)
    {
        const string Expected = "expected `openai` or `tgi`";
        if (!settings.Has("hosted_provider"))
        {
            settings.Error("hosted_provider", $"is required for `aws_sagemaker` providers ({Expected}: the server the endpoint hosts)");
            return null;
        }
        if (settings.String("hosted_provider", $"must be a string, {Expected}") is not { } name)
        {
            return null;
        }
        var hosted = SageMakerHostedProvider.Find(name);
        if (hosted is null)
        {
            settings.Error("hosted_provider", $"unknown hosted provider `{ConfigText.Name(name)}` ({Expected})");
        }
        return hosted;
    }

    /// <param name="serverHeld">How the gateway's own credentials would be used, or null when all come from the request.</param>
    private static SigV4Auth? ParseAuth(ProviderSettings settings, AwsSettings aws, ProviderBuildContext context, out string? serverHeld)
    {
        var iam = new Dictionary<string, CredentialLocation>(StringComparer.Ordinal);
        var usable = true;
        if (context.Config.ApiKeyLocation is { } keyId)
        {
            if (keyId.Fallback is not null)
            {
                settings.Error("access_key_id",
                    "takes one location (`env::`, `dynamic::` or `sdk`): `{ default, fallback }` is not accepted for AWS credential fields");
                usable = false;
            }
            else
            {
                iam["access_key_id"] = keyId.Default;
            }
        }
        foreach (var field in new[] { "secret_access_key", "session_token" })
        {
            if (aws.IamField(field) is { } location)
            {
                iam[field] = location;
            }
            else if (settings.Has(field))
            {
                usable = false;
            }
        }
        if (iam.Count == 0 && usable)
        {
            serverHeld = "no IAM field is set, so the AWS SDK credential chain would be used";
            return aws.SdkChain();
        }
        serverHeld = iam.Values.Any(l => l is not CredentialLocation.Dynamic) ? "the IAM fields are not all `dynamic::`" : null;
        // A field that is set but unusable was reported already.
        return usable ? aws.Iam(iam) : null;
    }
}
