using System.Buffers;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Aws;

/// <summary>
/// Reads what every AWS provider type configures alike, with TensorZero's rules: <c>region</c> (or <c>sdk</c>, and the
/// deprecated <c>allow_auto_detect_region</c>), <c>endpoint_url</c>, and the IAM fields <c>access_key_id</c>,
/// <c>secret_access_key</c> and <c>session_token</c> (each <c>env::</c>, <c>dynamic::</c> or <c>sdk</c>, all from one
/// source), which sign requests with SigV4. Values come from the environment or the request through the credential
/// layer; problems go to the provider's settings with the key's TOML path, never a value.
/// </summary>
/// <param name="type">The TOML <c>type</c>, as named in messages.</param>
internal sealed class AwsSettings(string type, string displayName, ProviderSettings settings, ProviderBuildContext context, AwsSdkDefaults sdk)
{
    public static readonly string[] IamFields = ["access_key_id", "secret_access_key", "session_token"];

    // Regions go into a host name, so only region-shaped values are accepted.
    private static readonly SearchValues<char> RegionCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    public static bool IsRegion(string value) => value.Length > 0 && !value.AsSpan().ContainsAnyExcept(RegionCharacters);

    /// <summary><c>region</c>: required; a literal, <c>env::</c>, <c>dynamic::</c> or <c>sdk</c> (detected now).</summary>
    public SettingValue? Region()
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
                    $"AWS `{type}` provider requires a region. Use `region = \"sdk\"` to enable auto-detection, or specify a region like `region = \"us-east-1\"`");
            }
            return null;
        }
        if (text == "sdk")
        {
            if (sdk.Region() is { Length: > 0 } detected)
            {
                return new SettingValue.Fixed(detected);
            }
            settings.Error("region", "`sdk`: the AWS SDK found no region (set `AWS_REGION` or a profile region, or write the region)");
            return null;
        }
        var location = Setting("region", text);
        if (location is SettingValue.Fixed { Value: var value } && !IsRegion(value))
        {
            settings.Error("region", $"`{ConfigText.Name(value)}` is not an AWS region name (like `us-east-1`)");
            return null;
        }
        return location;
    }

    /// <summary><c>endpoint_url</c>: optional; an absolute http(s) URL, <c>env::</c> or <c>dynamic::</c>.</summary>
    public SettingValue? Endpoint()
    {
        var text = settings.String("endpoint_url");
        if (text is null or "none")
        {
            return null;
        }
        var location = Setting("endpoint_url", text);
        if (location is SettingValue.Fixed { Value: var url, Variable: var variable } && AwsLocation.ParseEndpoint(url) is null)
        {
            settings.Error("endpoint_url", variable is not null
                ? $"the value of `{variable}` is not an absolute http(s) URL"
                : $"`{ConfigText.Url(url)}` is not an absolute http(s) URL");
            return null;
        }
        return location;
    }

    /// <summary>An IAM field written in the provider's settings; null when absent or invalid (reported).</summary>
    public CredentialLocation? IamField(string field)
    {
        if (settings.String(field) is not { } text)
        {
            return null;
        }
        if (!CredentialLocation.TryParse(text, out var location, out var error))
        {
            settings.Error(field, error!);
            return null;
        }
        if (location is not (CredentialLocation.Env or CredentialLocation.Dynamic or CredentialLocation.Sdk))
        {
            settings.Error(field, $"Invalid `{field}` for `{type}` provider: only `env::`, `dynamic::`, and `sdk` are supported");
            return null;
        }
        return location;
    }

    /// <summary>
    /// SigV4 with the keys the IAM fields name: <c>access_key_id</c> and <c>secret_access_key</c> together, an optional
    /// <c>session_token</c>, all from one source. Null (after reporting why) when they don't fit together.
    /// </summary>
    public SigV4Auth? Iam(IReadOnlyDictionary<string, CredentialLocation> iam)
    {
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
                    displayName,
                    dynamicKeyId.Key,
                    ((CredentialLocation.Dynamic)secretKey).Key,
                    (token as CredentialLocation.Dynamic)?.Key), context.Time);
            case CredentialLocation.Sdk:
                return SdkChain();
            default:
                var keyIdValue = ReadSecretEnv("access_key_id", ((CredentialLocation.Env)keyId).Variable);
                var secretValue = ReadSecretEnv("secret_access_key", ((CredentialLocation.Env)secretKey).Variable);
                var tokenValue = token is CredentialLocation.Env tokenEnv ? ReadSecretEnv("session_token", tokenEnv.Variable) : null;
                if (keyIdValue is null || secretValue is null || (token is not null && tokenValue is null))
                {
                    return null;
                }
                return new SigV4Auth(new StaticAwsKeys(new AwsKeys(keyIdValue, secretValue, tokenValue)), context.Time);
        }
    }

    /// <summary>SigV4 with whatever the AWS SDK's default credential chain finds at the time of each request.</summary>
    public SigV4Auth SdkChain() => new(new SdkAwsKeys(displayName, sdk.Credentials), context.Time);

    /// <summary>
    /// A client-chosen <c>endpoint_url</c> receives a signature made with the keys (or the key itself): only the
    /// client's own credentials may go there. <paramref name="serverHeld"/> says how the gateway's would be used, or is
    /// null when all come from the request.
    /// </summary>
    public void RequireClientCredentials(SettingValue? endpoint, string? serverHeld, string remedy)
    {
        if (endpoint is SettingValue.Dynamic dynamic && serverHeld is not null)
        {
            settings.Error("endpoint_url",
                $"a client-chosen endpoint (`dynamic::{dynamic.Key}`) receives the credentials, so they must come from the request too: {remedy} ({serverHeld})");
        }
    }

    /// <summary>
    /// A secret from the environment, read and registered for redaction by the credential layer: it goes into a header
    /// (or signs one), so it must be visible ASCII.
    /// </summary>
    private Secret? ReadSecretEnv(string key, string variable)
    {
        switch (context.SettingResolver.ReadSecret(variable, out var secret))
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
    private SettingValue? Setting(string key, string text)
    {
        var problems = new List<string>();
        var value = context.SettingResolver.Resolve(text, problems);
        foreach (var problem in problems)
        {
            settings.Error(key, problem);
        }
        return value;
    }
}
