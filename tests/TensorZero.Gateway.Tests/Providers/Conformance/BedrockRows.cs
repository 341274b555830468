using System.Collections.Concurrent;
using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>
/// <c>aws_bedrock</c>: the default is <c>AWS_BEARER_TOKEN_BEDROCK</c> (the SDK chain reads the real process
/// environment, so it is tested apart in <c>AwsBedrockSdkChainTests</c>); the override is a pair of <c>env::</c> IAM
/// fields signed with SigV4; the dynamic form is a pair of <c>dynamic::</c> IAM fields; the fallback pair is on
/// <c>api_key</c>. The identity is the access key id (SigV4) or the bearer token.
/// </summary>
public sealed class AwsBedrockRow : IConformanceRow
{
    public string Name => "aws_bedrock";

    public string ProviderType => "aws_bedrock";

    public async Task<IConformanceFake> StartFakeAsync() => new AwsBedrockConformanceFake(await FakeBedrockServer.StartAsync());
}

/// <summary>The fake Bedrock server behind <see cref="AwsBedrockRow"/>, minting fresh canary keys per scenario.</summary>
public sealed class AwsBedrockConformanceFake(FakeBedrockServer server) : IConformanceFake
{
    private readonly ConcurrentBag<string> _canaries = [];

    public FakeBedrockServer Server => server;

    private string Toml(string authLines) => $"""
        type = "aws_bedrock"
        model_id = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
        region = "us-east-1"
        endpoint_url = "{server.BaseUrl}"
        {authLines}
        """;

    public ConformanceSetup DefaultCredential()
    {
        var token = BearerToken();
        return new ConformanceSetup(Toml(string.Empty), Env(("AWS_BEARER_TOKEN_BEDROCK", token)), NoCredentials, token);
    }

    public ConformanceSetup EnvOverride()
    {
        var (keyId, secret) = IamKey();
        return new ConformanceSetup(
            Toml("access_key_id = \"env::CONFORMANCE_AWS_ACCESS_KEY_ID\"\nsecret_access_key = \"env::CONFORMANCE_AWS_SECRET_ACCESS_KEY\""),
            // The default's variable is set too: explicit fields must win over it.
            Env(("CONFORMANCE_AWS_ACCESS_KEY_ID", keyId), ("CONFORMANCE_AWS_SECRET_ACCESS_KEY", secret), ("AWS_BEARER_TOKEN_BEDROCK", BearerToken())),
            NoCredentials,
            keyId);
    }

    public ConformanceSetup Dynamic()
    {
        var (keyId, secret) = IamKey();
        return new ConformanceSetup(
            Toml("access_key_id = \"dynamic::customer_aws_access_key_id\"\nsecret_access_key = \"dynamic::customer_aws_secret_access_key\""),
            Env(),
            new Dictionary<string, string> { ["customer_aws_access_key_id"] = keyId, ["customer_aws_secret_access_key"] = secret },
            keyId);
    }

    public (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback()
    {
        var customer = BearerToken();
        var fallback = BearerToken();
        var toml = Toml("api_key = { default = \"dynamic::customer_bedrock_api_key\", fallback = \"env::CONFORMANCE_BEDROCK_API_KEY\" }");
        var environment = Env(("CONFORMANCE_BEDROCK_API_KEY", fallback));
        return (
            new ConformanceSetup(toml, environment, new Dictionary<string, string> { ["customer_bedrock_api_key"] = customer }, customer),
            new ConformanceSetup(toml, environment, NoCredentials, fallback));
    }

    public ConformanceSetup Rejected(int status)
    {
        var setup = EnvOverride();
        server.Reject(setup.ExpectedIdentity!, status);
        return setup;
    }

    public IReadOnlyList<string?> Authenticated => server.Requests.Select(r => r.Identity).ToList();

    public IReadOnlyCollection<string> Canaries => _canaries.ToArray();

    public ValueTask DisposeAsync() => server.DisposeAsync();

    private static readonly IReadOnlyDictionary<string, string> NoCredentials = new Dictionary<string, string>();

    private static Dictionary<string, string> Env(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private string BearerToken()
    {
        var token = "ABSKQmVkcm9ja0FQSUtleS1" + Guid.NewGuid().ToString("N");
        server.AddBearerToken(token);
        _canaries.Add(token);
        return token;
    }

    private (string KeyId, string Secret) IamKey()
    {
        var keyId = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secret = "canary/" + Guid.NewGuid().ToString("N") + "+Secret";
        server.AddIamKey(keyId, secret);
        _canaries.Add(keyId);
        _canaries.Add(secret);
        return (keyId, secret);
    }
}
