using System.Collections.Concurrent;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.Gcp;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary><c>gcp_vertex_gemini</c> against <see cref="FakeGeminiServer"/>'s Vertex routes, tokens checked by <see cref="VertexJwtVerifier"/>.</summary>
public sealed class GcpVertexGeminiRow : IConformanceRow
{
    public string Name => "gcp_vertex_gemini";

    public string ProviderType => "gcp_vertex_gemini";

    public async Task<IConformanceFake> StartFakeAsync() => new GcpVertexGeminiFake(await FakeGeminiServer.StartAsync());

    public override string ToString() => Name;
}

/// <summary>
/// <c>gcp_vertex_anthropic</c> against <see cref="FakeAnthropicServer"/>'s <c>rawPredict</c> routes. Claude on Vertex has
/// no JSON mode on the wire (no <c>output_config</c>, no prefill), so JSON requests are answered as plain text.
/// </summary>
public sealed class GcpVertexAnthropicRow : IConformanceRow
{
    public string Name => "gcp_vertex_anthropic";

    public string ProviderType => "gcp_vertex_anthropic";

    public bool SupportsJsonMode => false;

    public async Task<IConformanceFake> StartFakeAsync() => new GcpVertexAnthropicFake(await FakeAnthropicServer.StartAsync());

    public override string ToString() => Name;
}

/// <summary>The fake behind <see cref="GcpVertexGeminiRow"/>.</summary>
public sealed class GcpVertexGeminiFake : GcpVertexConformanceFake
{
    private readonly FakeGeminiServer _server;

    public GcpVertexGeminiFake(FakeGeminiServer server)
        : base("gcp_vertex_gemini", server.RootUrl + "v1/", "us-central1", "gemini-2.5-flash")
    {
        _server = server;
        server.VertexAuth = Verifier.CheckGemini;
    }

    public FakeGeminiServer Server => _server;

    public override IReadOnlyList<string?> Authenticated => _server.Authenticated;

    protected override ValueTask DisposeServerAsync() => _server.DisposeAsync();
}

/// <summary>The fake behind <see cref="GcpVertexAnthropicRow"/>; the model id carries Vertex's <c>@</c> version suffix.</summary>
public sealed class GcpVertexAnthropicFake : GcpVertexConformanceFake
{
    private readonly FakeAnthropicServer _server;

    public GcpVertexAnthropicFake(FakeAnthropicServer server)
        : base("gcp_vertex_anthropic", server.VertexBaseUrl, "us-east5", "claude-haiku-4-5@20251001")
    {
        _server = server;
        server.VertexAuth = Verifier.Check;
    }

    public FakeAnthropicServer Server => _server;

    public override IReadOnlyList<string?> Authenticated => _server.VertexCalls.Select(c => c.Identity).ToList();

    protected override ValueTask DisposeServerAsync() => _server.DisposeAsync();
}

/// <summary>
/// Credentials for a Vertex row: service-account key files with fresh keys (identity: the account's email) written to a
/// temporary folder, and opaque access tokens for <c>dynamic::</c> (identity: the token). Canaries are the tokens, the
/// private keys' PEM text and every bearer token the fake was shown (the gateway's signed JWTs included).
/// </summary>
public abstract class GcpVertexConformanceFake : IConformanceFake
{
    private const string DefaultVariable = "GCP_VERTEX_CREDENTIALS_PATH";
    private const string DynamicKeyName = "gcp_token";
    private static readonly IReadOnlyDictionary<string, string> NoCredentials = new Dictionary<string, string>();

    private readonly string _providerType;
    private readonly string _apiBase;
    private readonly string _location;
    private readonly string _modelId;
    private readonly string _directory = Directory.CreateTempSubdirectory("tz-vertex-conformance-").FullName;
    private readonly ConcurrentQueue<string> _canaries = new();
    private readonly ConcurrentQueue<FakeServiceAccount> _accounts = new();

    protected GcpVertexConformanceFake(string providerType, string apiBase, string location, string modelId)
    {
        _providerType = providerType;
        _apiBase = apiBase;
        _location = location;
        _modelId = modelId;
    }

    public VertexJwtVerifier Verifier { get; } = new();

    public abstract IReadOnlyList<string?> Authenticated { get; }

    public IReadOnlyCollection<string> Canaries => [.. _canaries, .. Verifier.SeenTokens];

    public ConformanceSetup DefaultCredential()
    {
        var (path, email) = NewKeyFile();
        return new ConformanceSetup(Toml(null), new Dictionary<string, string> { [DefaultVariable] = path }, NoCredentials, email);
    }

    public ConformanceSetup EnvOverride()
    {
        var (path, email) = NewKeyFile();
        // The default variable names another valid key file, so reading it instead would show in the identity.
        var environment = new Dictionary<string, string> { ["MY_GCP_CREDENTIALS_PATH"] = path, [DefaultVariable] = NewKeyFile().Path };
        return new ConformanceSetup(Toml("\"path_from_env::MY_GCP_CREDENTIALS_PATH\""), environment, NoCredentials, email);
    }

    public ConformanceSetup Dynamic()
    {
        var token = NewAccessToken(accept: true);
        return new ConformanceSetup(Toml($"\"dynamic::{DynamicKeyName}\""), DefaultFileEnvironment(),
            new Dictionary<string, string> { [DynamicKeyName] = token }, token);
    }

    public (ConformanceSetup WithDynamic, ConformanceSetup WithoutDynamic) Fallback()
    {
        var token = NewAccessToken(accept: true);
        var (path, email) = NewKeyFile();
        var toml = Toml($"{{ default = \"dynamic::{DynamicKeyName}\", fallback = \"path::{path.Replace("\\", "\\\\", StringComparison.Ordinal)}\" }}");
        var environment = DefaultFileEnvironment();
        return (
            new ConformanceSetup(toml, environment, new Dictionary<string, string> { [DynamicKeyName] = token }, token),
            new ConformanceSetup(toml, environment, NoCredentials, email));
    }

    public ConformanceSetup Rejected(int status)
    {
        var token = NewAccessToken(accept: false);
        Verifier.RejectAccessToken(token, status);
        return new ConformanceSetup(Toml($"\"dynamic::{DynamicKeyName}\""), DefaultFileEnvironment(),
            new Dictionary<string, string> { [DynamicKeyName] = token }, token);
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeServerAsync();
        foreach (var account in _accounts)
        {
            account.Dispose();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        GC.SuppressFinalize(this);
    }

    protected abstract ValueTask DisposeServerAsync();

    // Even scenarios that need no key file set the default variable, so a provider that wrongly ignored its location would be caught.
    private Dictionary<string, string> DefaultFileEnvironment() => new() { [DefaultVariable] = NewKeyFile().Path };

    private string Toml(string? credentialLocation)
    {
        var lines = new List<string>
        {
            $"type = \"{_providerType}\"",
            $"model_id = \"{_modelId}\"",
            "project_id = \"tz-conformance\"",
            $"location = \"{_location}\"",
            $"api_base = \"{_apiBase}\"",
        };
        if (credentialLocation is not null)
        {
            lines.Add($"credential_location = {credentialLocation}");
        }
        return string.Join('\n', lines);
    }

    private (string Path, string Email) NewKeyFile()
    {
        var account = FakeServiceAccount.Create($"canary-{Guid.NewGuid().ToString("N")[..12]}@tz-conformance.iam.gserviceaccount.com");
        _accounts.Enqueue(account);
        _canaries.Enqueue(account.PrivateKeyPem);
        Verifier.TrustServiceAccount(account.ClientEmail, account.KeyId, account.Key);
        return (account.WriteTo(_directory), account.ClientEmail);
    }

    // Shaped like a Google OAuth access token, unique per call.
    private string NewAccessToken(bool accept)
    {
        var token = $"ya29.canary-{Guid.NewGuid():N}";
        _canaries.Enqueue(token);
        if (accept)
        {
            Verifier.AcceptAccessToken(token);
        }
        return token;
    }
}
