using System.Buffers;
using Amazon.Runtime;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// Builds <c>type = "aws_bedrock"</c> providers and declares their auth scheme, in TensorZero's priority: an
/// <c>api_key</c> as Bearer, explicit IAM fields with SigV4, <c>AWS_BEARER_TOKEN_BEDROCK</c> as Bearer, or the AWS SDK's
/// default credential chain with SigV4. Region, endpoint and IAM fields are resolved once, through
/// <see cref="ProviderBuildContext.SettingResolver"/>; <c>api_key</c> is the provider type's credential field and reaches the
/// factory as <see cref="ProviderBuildContext.Credential"/>.
/// </summary>
public sealed class AwsBedrockProviderFactory : IProviderFactory
{
    public const string BearerTokenVariable = "AWS_BEARER_TOKEN_BEDROCK";

    private static readonly string[] IamFields = ["access_key_id", "secret_access_key", "session_token"];

    // Regions go into a host name, so only region-shaped values are accepted.
    private static readonly SearchValues<char> RegionCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private readonly AwsKeySource _sdkKeys;
    private readonly Func<string?> _sdkRegion;

    public AwsBedrockProviderFactory()
        : this(SdkAwsKeys.Default, () => FallbackRegionFactory.GetRegionEndpoint()?.SystemName)
    {
    }

    internal AwsBedrockProviderFactory(AwsKeySource sdkKeys, Func<string?> sdkRegion)
    {
        _sdkKeys = sdkKeys;
        _sdkRegion = sdkRegion;
    }

    // A Bedrock API key is a bearer token; IAM keys sign the request (SigV4), which adds the `x-amz-*` headers.
    public ProviderDescriptor Descriptor { get; } = new(
        new CredentialRules("aws_bedrock", "AWS Bedrock", "api_key", new CredentialSpec(new CredentialLocation.Sdk()), BearerTokenVariable,
            CredentialForms.Env | CredentialForms.Dynamic | CredentialForms.Sdk),
        SigV4Auth.Headers.Union(BearerAuth.Headers).ToList(),
        SupportsShorthand: false,
        HasDefaultsTable: false);

    // `api_key` is the type's credential field: the config loader accepts and parses it like `api_key_location`.
    public IReadOnlyCollection<string> SettingKeys { get; } =
        ["model_id", "region", "endpoint_url", "access_key_id", "secret_access_key", "session_token", "allow_auto_detect_region"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var settings = context.ReadSettings();
        var sources = new CredentialSettings(settings, context.SettingResolver);
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
        var region = ParseRegion(settings, sources);
        var endpoint = ParseEndpoint(settings, sources);
        var auth = ParseAuth(settings, sources, context, out var serverHeld);
        if (endpoint is SettingValue.Dynamic dynamic && auth is not null && serverHeld is not null)
        {
            // A client-chosen endpoint receives the API key, or a signature made with the keys: only the client's own may go there.
            settings.Error("endpoint_url",
                $"a client-chosen endpoint (`dynamic::{dynamic.Key}`) receives the credentials, so they must come from the request too: " +
                $"set `api_key`, or `access_key_id` and `secret_access_key` (and `session_token`), to `dynamic::` ({serverHeld})");
        }
        return new AwsBedrockProvider(
            context.Config,
            modelId ?? string.Empty,
            region ?? new SettingValue.Fixed("us-east-1"),
            endpoint,
            auth,
            context.HttpClients,
            context.Loggers.CreateLogger<AwsBedrockProvider>(),
            context.Secrets);
    }

    internal static bool IsRegion(string value) => value.Length > 0 && !value.AsSpan().ContainsAnyExcept(RegionCharacters);

    private SettingValue? ParseRegion(ProviderSettings settings, CredentialSettings sources)
    {
        var text = settings.String("region");
        var autoDetect = settings.Bool("allow_auto_detect_region") ?? false;
        if (text is null && autoDetect)
        {
            text = "sdk";
        }
        if (text is null or "none")
        {
            if (!settings.HasProblem("region"))
            {
                settings.Error("region",
                    "AWS `aws_bedrock` provider requires a region. Use `region = \"sdk\"` to enable auto-detection, or specify a region like `region = \"us-east-1\"`");
            }
            return null;
        }
        if (text == "sdk")
        {
            if (_sdkRegion() is { Length: > 0 } detected)
            {
                return new SettingValue.Fixed(detected);
            }
            settings.Error("region", "`sdk`: the AWS SDK found no region (set `AWS_REGION` or a profile region, or write the region)");
            return null;
        }
        var location = sources.Setting("region", text);
        if (location is SettingValue.Fixed { Value: var value } && !IsRegion(value))
        {
            settings.Error("region", $"`{ConfigText.Name(value)}` is not an AWS region name (like `us-east-1`)");
            return null;
        }
        return location;
    }

    private static SettingValue? ParseEndpoint(ProviderSettings settings, CredentialSettings sources)
    {
        var text = settings.String("endpoint_url");
        if (text is null or "none")
        {
            return null;
        }
        var location = sources.Setting("endpoint_url", text);
        if (location is SettingValue.Fixed { Value: var url, Variable: var variable } && AwsBedrockProvider.ParseEndpoint(url) is null)
        {
            settings.Error("endpoint_url", variable is not null
                ? $"the value of `{variable}` is not an absolute http(s) URL"
                : $"`{ConfigText.Url(url)}` is not an absolute http(s) URL");
            return null;
        }
        return location;
    }

    /// <param name="serverHeld">How the gateway's own credentials would be used, or null when all come from the request.</param>
    private AuthScheme? ParseAuth(ProviderSettings settings, CredentialSettings sources, ProviderBuildContext context, out string? serverHeld)
    {
        serverHeld = null;
        var iam = new Dictionary<string, CredentialLocation>(StringComparer.Ordinal);
        foreach (var field in IamFields)
        {
            if (settings.String(field) is not { } text)
            {
                continue;
            }
            if (!CredentialLocation.TryParse(text, out var location, out var error))
            {
                settings.Error(field, error!);
            }
            else if (location is not (CredentialLocation.Env or CredentialLocation.Dynamic or CredentialLocation.Sdk))
            {
                settings.Error(field, $"Invalid `{field}` for `aws_bedrock` provider: only `env::`, `dynamic::`, and `sdk` are supported");
            }
            else
            {
                iam[field] = location!;
            }
        }

        if (context.Config.ApiKeyLocation is { } apiKey)
        {
            var valid = true;
            if (iam.Count > 0 || IamFields.Any(settings.Has))
            {
                settings.Error("api_key", "can't be combined with `access_key_id`, `secret_access_key` or `session_token`: use one way to authenticate");
                valid = false;
            }
            if (apiKey.Default is CredentialLocation.Sdk || apiKey.Fallback is CredentialLocation.Sdk)
            {
                settings.Error("api_key", "`sdk` can't be used for `api_key` (use `env::` or `dynamic::`; without any credential field the AWS SDK credential chain is used)");
                valid = false;
            }
            if (!context.Credential.IsClientSuppliedOnly)
            {
                serverHeld = $"`api_key` is `{apiKey}`";
            }
            return valid ? new BearerAuth(context.Credential, AwsBedrockProvider.DisplayName) : null;
        }

        if (IamFields.Any(settings.Has))
        {
            if (iam.Values.Any(l => l is not CredentialLocation.Dynamic))
            {
                serverHeld = "the IAM fields are not all `dynamic::`";
            }
            return ParseIam(settings, sources, iam, context);
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
        return new SigV4Auth(_sdkKeys, context.Time);
    }

    private SigV4Auth? ParseIam(ProviderSettings settings, CredentialSettings sources, Dictionary<string, CredentialLocation> iam, ProviderBuildContext context)
    {
        if (iam.Count < IamFields.Count(settings.Has))
        {
            return null;
        }
        if (!iam.TryGetValue("access_key_id", out var keyId) || !iam.TryGetValue("secret_access_key", out var secretKey))
        {
            settings.Error(iam.ContainsKey("access_key_id") ? "secret_access_key" : "access_key_id",
                "is required: `access_key_id` and `secret_access_key` are set together (`session_token` is optional)");
            return null;
        }
        var token = iam.GetValueOrDefault("session_token");
        if (iam.Values.Select(l => l.GetType()).Distinct().Count() > 1)
        {
            settings.Error("access_key_id",
                "`access_key_id`, `secret_access_key` and `session_token` must all use the same source: all `env::`, all `dynamic::` or all `sdk`");
            return null;
        }
        switch (keyId)
        {
            case CredentialLocation.Dynamic dynamicKeyId:
                return new SigV4Auth(new DynamicAwsKeys(
                    dynamicKeyId.Key,
                    ((CredentialLocation.Dynamic)secretKey).Key,
                    (token as CredentialLocation.Dynamic)?.Key), context.Time);
            case CredentialLocation.Sdk:
                return new SigV4Auth(_sdkKeys, context.Time);
            default:
                var keyIdValue = sources.ReadSecretEnv("access_key_id", ((CredentialLocation.Env)keyId).Variable);
                var secretValue = sources.ReadSecretEnv("secret_access_key", ((CredentialLocation.Env)secretKey).Variable);
                var tokenValue = token is CredentialLocation.Env tokenEnv ? sources.ReadSecretEnv("session_token", tokenEnv.Variable) : null;
                if (keyIdValue is null || secretValue is null || (token is not null && tokenValue is null))
                {
                    return null;
                }
                return new SigV4Auth(new StaticAwsKeys(new AwsKeys(keyIdValue, secretValue, tokenValue)), context.Time);
        }
    }

    /// <summary>
    /// Settings whose value comes from the environment or the request (IAM keys, region, endpoint), resolved through the
    /// credential layer; problems go to the provider's settings, with the key's TOML path and never a value.
    /// </summary>
    private sealed class CredentialSettings(ProviderSettings settings, SettingResolver resolver)
    {
        /// <summary>
        /// An IAM field from the environment, read and registered for redaction by the credential layer: it goes into a
        /// header (or signs one), so it must be visible ASCII.
        /// </summary>
        public Secret? ReadSecretEnv(string key, string variable)
        {
            switch (resolver.ReadSecret(variable, out var secret))
            {
                case CredentialLookup.Found:
                    return secret;
                case CredentialLookup.NotSendable:
                    settings.Error(key, $"environment variable `{variable}` {HeaderValues.NotSendableProblem}");
                    return null;
                default:
                    settings.Error(key, $"environment variable `{variable}` is missing");
                    return null;
            }
        }

        /// <summary>A literal, <c>env::</c> (read now) or <c>dynamic::</c> value of a non-secret setting.</summary>
        public SettingValue? Setting(string key, string text)
        {
            var problems = new List<string>();
            var value = resolver.Resolve(text, problems);
            foreach (var problem in problems)
            {
                settings.Error(key, problem);
            }
            return value;
        }
    }
}
