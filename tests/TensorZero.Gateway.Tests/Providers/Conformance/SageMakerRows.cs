using System.Collections.Concurrent;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Providers.AwsSageMaker;
using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>
/// <c>aws_sagemaker</c>, once per hosted server (<c>openai</c>, <c>tgi</c>). The default is the AWS SDK credential
/// chain, which reads the process environment: the row swaps in a factory whose chain hands out the row's canary keys
/// (the real chain is tested apart in <c>AwsSageMakerSdkChainTests</c>). The override is a pair of <c>env::</c> IAM
/// fields with a session token, the dynamic form a pair of <c>dynamic::</c> ones. The IAM fields take one location each,
/// so the fallback form is refused at startup. The identity is the access key id of the SigV4 signature.
/// </summary>
public sealed class AwsSageMakerRow(string hostedProvider) : IConformanceRow
{
    public string Name => hostedProvider == "openai" ? "aws_sagemaker" : $"aws_sagemaker-{hostedProvider}";

    public string ProviderType => "aws_sagemaker";

    // TGI is sent no JSON mode, as TensorZero's TGI client sends none.
    public bool SupportsJsonMode => hostedProvider == "openai";

    public bool SupportsFallback => false;

    public async Task<IConformanceFake> StartFakeAsync() => new AwsSageMakerConformanceFake(await FakeSageMakerServer.StartAsync(), hostedProvider);
}

/// <summary>The fake SageMaker behind <see cref="AwsSageMakerRow"/>, minting fresh canary keys per scenario.</summary>
public sealed class AwsSageMakerConformanceFake : IConformanceFake
{
    private const string EndpointName = "conformance-endpoint";

    private readonly FakeSageMakerServer _server;
    private readonly string _hostedProvider;
    private readonly ConcurrentBag<string> _canaries = [];

    public AwsSageMakerConformanceFake(FakeSageMakerServer server, string hostedProvider)
    {
        _server = server;
        _hostedProvider = hostedProvider;
        server.AddEndpoint(EndpointName, hostedProvider);
    }

    private string Toml(string authLines) => $"""
        type = "aws_sagemaker"
        endpoint_name = "{EndpointName}"
        model_name = "gemma3:1b"
        hosted_provider = "{_hostedProvider}"
        region = "us-east-1"
        endpoint_url = "{_server.BaseUrl}"
        {authLines}
        """;

    public ConformanceSetup DefaultCredential()
    {
        var (keyId, secret, _) = IamKey();
        var chain = new AwsSdkDefaults(_ => Task.FromResult<AWSCredentials>(new BasicAWSCredentials(keyId, secret)), () => null);
        return new ConformanceSetup(Toml(string.Empty), Env(), NoCredentials, keyId, services =>
        {
            var builtIn = services.Single(d => d.ImplementationInstance is AwsSageMakerProviderFactory);
            services.Remove(builtIn);
            services.AddSingleton<IProviderFactory>(new AwsSageMakerProviderFactory(chain));
        });
    }

    public ConformanceSetup EnvOverride()
    {
        var (keyId, secret, token) = IamKey(withSessionToken: true);
        return new ConformanceSetup(
            Toml("access_key_id = \"env::CONFORMANCE_AWS_ACCESS_KEY_ID\"\nsecret_access_key = \"env::CONFORMANCE_AWS_SECRET_ACCESS_KEY\"\nsession_token = \"env::CONFORMANCE_AWS_SESSION_TOKEN\""),
            Env(("CONFORMANCE_AWS_ACCESS_KEY_ID", keyId), ("CONFORMANCE_AWS_SECRET_ACCESS_KEY", secret), ("CONFORMANCE_AWS_SESSION_TOKEN", token!)),
            NoCredentials,
            keyId);
    }

    public ConformanceSetup Dynamic()
    {
        var (keyId, secret, _) = IamKey();
        return new ConformanceSetup(
            Toml("access_key_id = \"dynamic::customer_aws_access_key_id\"\nsecret_access_key = \"dynamic::customer_aws_secret_access_key\""),
            Env(),
            new Dictionary<string, string> { ["customer_aws_access_key_id"] = keyId, ["customer_aws_secret_access_key"] = secret },
            keyId);
    }

    public (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback()
    {
        var (keyId, secret, _) = IamKey();
        var toml = Toml(
            "access_key_id = { default = \"dynamic::customer_aws_access_key_id\", fallback = \"env::CONFORMANCE_AWS_ACCESS_KEY_ID\" }\n" +
            "secret_access_key = \"env::CONFORMANCE_AWS_SECRET_ACCESS_KEY\"");
        var environment = Env(("CONFORMANCE_AWS_ACCESS_KEY_ID", keyId), ("CONFORMANCE_AWS_SECRET_ACCESS_KEY", secret));
        return (
            new ConformanceSetup(toml, environment, new Dictionary<string, string> { ["customer_aws_access_key_id"] = keyId }, keyId),
            new ConformanceSetup(toml, environment, NoCredentials, keyId));
    }

    public ConformanceSetup Rejected(int status)
    {
        var setup = EnvOverride();
        _server.Reject(setup.ExpectedIdentity!, status);
        return setup;
    }

    public IReadOnlyList<string?> Authenticated => _server.Requests.Select(r => r.Identity).ToList();

    public IReadOnlyCollection<string> Canaries => _canaries.ToArray();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static readonly IReadOnlyDictionary<string, string> NoCredentials = new Dictionary<string, string>();

    private static Dictionary<string, string> Env(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private (string KeyId, string Secret, string? SessionToken) IamKey(bool withSessionToken = false)
    {
        var keyId = "AKIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secret = "canary/" + Guid.NewGuid().ToString("N") + "+Secret";
        var token = withSessionToken ? "canary-session-" + Guid.NewGuid().ToString("N") : null;
        _server.AddIamKey(keyId, secret, token);
        _canaries.Add(keyId);
        _canaries.Add(secret);
        if (token is not null)
        {
            _canaries.Add(token);
        }
        return (keyId, secret, token);
    }
}
