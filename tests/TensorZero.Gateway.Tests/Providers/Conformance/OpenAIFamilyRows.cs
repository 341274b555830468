using System.Collections.Concurrent;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>The conformance rows of every OpenAI chat-completions provider type, each against its own <see cref="FakeOpenAIServer"/>.</summary>
public static class OpenAIFamilyRows
{
    public static readonly IReadOnlyList<IConformanceRow> All =
    [
        Hosted("openai", "openai", "gpt-4o-mini"),
        // The same type on OpenAI's Responses API (`POST /v1/responses`, typed stream events).
        new OpenAIFamilyRow("openai-responses", "openai", FakeWire.OpenAI,
            s => $"model_name = \"gpt-5-mini\"\napi_base = \"{s.BaseUrl}\"\napi_type = \"responses\""),
        // A local OpenAI-compatible server (Ollama-like) that echoes a wrong key whole in its 401 body.
        new OpenAIFamilyRow("openai-compatible", "openai", FakeWire.OpenAI, s => $"model_name = \"llama3.1:8b\"\napi_base = \"{s.BaseUrl}\"", EchoFullKey: true),
        new OpenAIFamilyRow("azure", "azure", FakeWire.For("azure"), s => $"deployment_id = \"gpt-4o-mini-prod\"\nendpoint = \"{s.Origin}\""),
        Hosted("deepseek", "deepseek", "deepseek-chat"),
        Hosted("fireworks", "fireworks", "accounts/fireworks/models/llama-v3p3-70b-instruct"),
        Hosted("hyperbolic", "hyperbolic", "meta-llama/Llama-3.3-70B-Instruct") with { SupportsTools = false, SupportsJsonMode = false },
        Hosted("mistral", "mistral", "mistral-small-latest"),
        Hosted("together", "together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        Hosted("xai", "xai", "grok-3"),
        Hosted("vllm", "vllm", "Qwen/Qwen2.5-7B-Instruct"),
        Hosted("sglang", "sglang", "Qwen/Qwen2.5-7B-Instruct"),
        new OpenAIFamilyRow("tgi", "tgi", FakeWire.For("tgi"), s => $"api_base = \"{s.BaseUrl}\"", SupportsJsonMode: false),
        Hosted("groq", "groq", "llama-3.3-70b-versatile"),
        Hosted("openrouter", "openrouter", "openai/gpt-4o-mini"),
    ];

    private static OpenAIFamilyRow Hosted(string name, string type, string model) =>
        new(name, type, FakeWire.For(type), s => $"model_name = \"{model}\"\napi_base = \"{s.BaseUrl}\"");
}

/// <summary>One OpenAI-family row: a provider type, its fake's wire, and the TOML keys that point the provider at the fake.</summary>
public sealed record OpenAIFamilyRow(
    string Name,
    string ProviderType,
    FakeWire Wire,
    Func<FakeOpenAIServer, string> Target,
    bool EchoFullKey = false,
    bool SupportsTools = true,
    bool SupportsJsonMode = true) : IConformanceRow
{
    public async Task<IConformanceFake> StartFakeAsync()
    {
        var server = await FakeOpenAIServer.StartAsync(Wire);
        server.EchoFullKeyOnAuthError = EchoFullKey;
        return new OpenAIFamilyFake(this, server);
    }
}

/// <summary>
/// A running fake for one row. Every minted key has a label (<c>env-1</c>, <c>dynamic-2</c>, …); <see cref="Authenticated"/>
/// reports the label of the key each request presented (accepted or, for <see cref="Rejected"/>, refused), null for none.
/// </summary>
public sealed class OpenAIFamilyFake : IConformanceFake
{
    private readonly OpenAIFamilyRow _row;
    private readonly ConcurrentDictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly string _prefix;
    private int _minted;

    public OpenAIFamilyFake(OpenAIFamilyRow row, FakeOpenAIServer server)
    {
        _row = row;
        Server = server;
        _prefix = row.Name.ToUpperInvariant().Replace('-', '_');
        // Keyless servers (vLLM, TGI by default) accept requests without auth but still check a key that is sent.
        server.AllowAnonymous = DefaultVariable is null;
    }

    public FakeOpenAIServer Server { get; }

    public IReadOnlyList<string?> Authenticated =>
        Server.Requests.Select(r => r.ApiKey is null ? null : _labels.GetValueOrDefault(r.ApiKey, "unknown-key")).ToArray();

    public IReadOnlyCollection<string> Canaries => _labels.Keys.ToArray();

    private string? DefaultVariable =>
        ProviderRegistry.CreateDefault().Find(_row.ProviderType)!.Descriptor.Credentials.Default.Default is CredentialLocation.Env env ? env.Variable : null;

    public ConformanceSetup DefaultCredential()
    {
        if (DefaultVariable is not { } variable)
        {
            return Setup(null, [], [], null);
        }
        var (key, label) = Mint("default");
        return Setup(null, new() { [variable] = key }, [], label);
    }

    public ConformanceSetup EnvOverride()
    {
        var (key, label) = Mint("env");
        var variable = $"CONFORMANCE_{_prefix}_KEY";
        return Setup($"\"env::{variable}\"", new() { [variable] = key }, [], label);
    }

    public ConformanceSetup Dynamic()
    {
        var (key, label) = Mint("dynamic");
        var name = $"conformance_{_prefix.ToLowerInvariant()}_key";
        return Setup($"\"dynamic::{name}\"", [], new() { [name] = key }, label);
    }

    public (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback()
    {
        var (dynamicKey, dynamicLabel) = Mint("fallback-dynamic");
        var (envKey, envLabel) = Mint("fallback-env");
        var name = $"conformance_{_prefix.ToLowerInvariant()}_key";
        var variable = $"CONFORMANCE_{_prefix}_FALLBACK_KEY";
        var location = $"{{ default = \"dynamic::{name}\", fallback = \"env::{variable}\" }}";
        var environment = new Dictionary<string, string> { [variable] = envKey };
        return (Setup(location, environment, new() { [name] = dynamicKey }, dynamicLabel), Setup(location, environment, [], envLabel));
    }

    public ConformanceSetup Rejected(int status)
    {
        var (key, label) = Mint($"rejected-{status}", accepted: false);
        Server.RejectedKeys[key] = status;
        var name = $"conformance_{_prefix.ToLowerInvariant()}_key";
        return Setup($"\"dynamic::{name}\"", [], new() { [name] = key }, label);
    }

    private (string Key, string Label) Mint(string purpose, bool accepted = true)
    {
        var label = $"{purpose}-{Interlocked.Increment(ref _minted)}";
        var key = $"sk-canary-{_row.Name}-{label}-{Guid.NewGuid():N}";
        _labels[key] = label;
        if (accepted)
        {
            Server.ValidKeys.Add(key);
        }
        return (key, label);
    }

    private ConformanceSetup Setup(
        string? location,
        Dictionary<string, string> environment,
        Dictionary<string, string> credentials,
        string? expected)
    {
        var toml = $"type = \"{_row.ProviderType}\"\n{_row.Target(Server)}";
        if (location is not null)
        {
            toml += $"\napi_key_location = {location}";
        }
        return new ConformanceSetup(toml, environment, credentials, expected);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
