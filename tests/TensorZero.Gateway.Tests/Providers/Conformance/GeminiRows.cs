using System.Collections.Concurrent;
using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary><c>google_ai_studio_gemini</c>: an AI Studio key in <c>x-goog-api-key</c>, checked by <see cref="FakeGeminiServer"/>.</summary>
public sealed class GoogleAIStudioGeminiRow : IConformanceRow
{
    public string Name => "google_ai_studio_gemini";

    public string ProviderType => "google_ai_studio_gemini";

    public async Task<IConformanceFake> StartFakeAsync() => new GoogleAIStudioGeminiFake(await FakeGeminiServer.StartAsync());

    public override string ToString() => Name;
}

/// <summary>The fake behind <see cref="GoogleAIStudioGeminiRow"/>: mints AI Studio-looking canary keys and registers them with the server.</summary>
public sealed class GoogleAIStudioGeminiFake(FakeGeminiServer server) : IConformanceFake
{
    private const string ModelName = "gemini-2.5-flash";
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
    private readonly ConcurrentQueue<string> _canaries = new();

    public FakeGeminiServer Server => server;

    public IReadOnlyList<string?> Authenticated => server.Authenticated;

    public IReadOnlyCollection<string> Canaries => _canaries.ToArray();

    public ConformanceSetup DefaultCredential()
    {
        var key = ValidKey();
        return new ConformanceSetup(Toml(null), new Dictionary<string, string> { ["GOOGLE_API_KEY"] = key }, Empty, key);
    }

    public ConformanceSetup EnvOverride()
    {
        var key = ValidKey();
        var environment = new Dictionary<string, string> { ["MY_GEMINI_API_KEY"] = key, ["GOOGLE_API_KEY"] = ValidKey() };
        return new ConformanceSetup(Toml("\"env::MY_GEMINI_API_KEY\""), environment, Empty, key);
    }

    public ConformanceSetup Dynamic()
    {
        var key = ValidKey();
        return new ConformanceSetup(Toml("\"dynamic::customer_gemini_key\""), NoEnvironment(),
            new Dictionary<string, string> { ["customer_gemini_key"] = key }, key);
    }

    public (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback()
    {
        var dynamicKey = ValidKey();
        var fallbackKey = ValidKey();
        var toml = Toml("{ default = \"dynamic::customer_gemini_key\", fallback = \"env::MY_GEMINI_FALLBACK_KEY\" }");
        var environment = new Dictionary<string, string> { ["MY_GEMINI_FALLBACK_KEY"] = fallbackKey };
        return (
            new ConformanceSetup(toml, environment, new Dictionary<string, string> { ["customer_gemini_key"] = dynamicKey }, dynamicKey),
            new ConformanceSetup(toml, environment, Empty, fallbackKey));
    }

    public ConformanceSetup Rejected(int status)
    {
        var key = Mint();
        server.RejectedKeys[key] = status;
        return new ConformanceSetup(Toml("\"dynamic::customer_gemini_key\""), NoEnvironment(),
            new Dictionary<string, string> { ["customer_gemini_key"] = key }, key);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    // Even scenarios that need no variable set the default one, so a provider that wrongly ignored its location would be caught.
    private Dictionary<string, string> NoEnvironment() => new() { ["GOOGLE_API_KEY"] = ValidKey() };

    private string Toml(string? apiKeyLocation)
    {
        var lines = new List<string>
        {
            "type = \"google_ai_studio_gemini\"",
            $"model_name = \"{ModelName}\"",
            $"api_base = \"{server.AIStudioBaseUrl}\"",
        };
        if (apiKeyLocation is not null)
        {
            lines.Add($"api_key_location = {apiKeyLocation}");
        }
        return string.Join('\n', lines);
    }

    private string ValidKey()
    {
        var key = Mint();
        server.ValidKeys.Add(key);
        return key;
    }

    // Shaped like an AI Studio key (AIza + 35 characters), unique per call.
    private string Mint()
    {
        var key = "AIzaSyCanary" + Guid.NewGuid().ToString("N")[..27];
        _canaries.Enqueue(key);
        return key;
    }
}
