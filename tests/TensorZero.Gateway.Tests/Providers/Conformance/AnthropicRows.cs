using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary><c>type = "anthropic"</c> against <see cref="FakeAnthropicServer"/>; the key travels in <c>x-api-key</c>.</summary>
public sealed class AnthropicRow : IConformanceRow
{
    public string Name => "anthropic";

    public string ProviderType => "anthropic";

    public async Task<IConformanceFake> StartFakeAsync() => new AnthropicConformanceFake(await FakeAnthropicServer.StartAsync());

    public override string ToString() => Name;
}

/// <summary>Mints canary Anthropic keys the fake accepts, and reports the key of each request as its identity.</summary>
public sealed class AnthropicConformanceFake(FakeAnthropicServer server) : IConformanceFake
{
    private const string DynamicKeyName = "anthropic_api_key";
    private readonly List<string> _canaries = [];

    public FakeAnthropicServer Server => server;

    public IReadOnlyList<string?> Authenticated => server.Requests.Select(r => r.ApiKey).ToList();

    public IReadOnlyCollection<string> Canaries
    {
        get
        {
            lock (_canaries)
            {
                return _canaries.ToArray();
            }
        }
    }

    public ConformanceSetup DefaultCredential()
    {
        var key = Mint();
        return new ConformanceSetup(Toml(null), Env(("ANTHROPIC_API_KEY", key)), Creds(), key);
    }

    public ConformanceSetup EnvOverride()
    {
        var key = Mint();
        // The default variable holds another valid key, so reading it instead would show in the identity.
        return new ConformanceSetup(Toml("\"env::MY_ANTHROPIC_KEY\""), Env(("MY_ANTHROPIC_KEY", key), ("ANTHROPIC_API_KEY", Mint())), Creds(), key);
    }

    public ConformanceSetup Dynamic()
    {
        var key = Mint();
        return new ConformanceSetup(Toml($"\"dynamic::{DynamicKeyName}\""), Env(("ANTHROPIC_API_KEY", Mint())), Creds((DynamicKeyName, key)), key);
    }

    public (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback()
    {
        var dynamicKey = Mint();
        var fallbackKey = Mint();
        var toml = Toml($"{{ default = \"dynamic::{DynamicKeyName}\", fallback = \"env::ANTHROPIC_FALLBACK_KEY\" }}");
        var environment = Env(("ANTHROPIC_FALLBACK_KEY", fallbackKey));
        return (new ConformanceSetup(toml, environment, Creds((DynamicKeyName, dynamicKey)), dynamicKey),
            new ConformanceSetup(toml, environment, Creds(), fallbackKey));
    }

    public ConformanceSetup Rejected(int status)
    {
        var key = Mint(accept: false);
        server.Reject(key, status);
        return new ConformanceSetup(Toml($"\"dynamic::{DynamicKeyName}\""), Env(), Creds((DynamicKeyName, key)), key);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    private string Mint(bool accept = true)
    {
        var key = $"sk-ant-api03-canary-{Guid.NewGuid():N}";
        lock (_canaries)
        {
            _canaries.Add(key);
        }
        if (accept)
        {
            server.Accept(key);
        }
        return key;
    }

    private string Toml(string? apiKeyLocation) =>
        $"type = \"anthropic\"\nmodel_name = \"claude-haiku-4-5\"\napi_base = \"{server.BaseUrl}\"" +
        (apiKeyLocation is null ? string.Empty : $"\napi_key_location = {apiKeyLocation}");

    private static Dictionary<string, string> Env(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    private static Dictionary<string, string> Creds(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);
}
