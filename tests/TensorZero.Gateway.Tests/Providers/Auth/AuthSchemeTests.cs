using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Gcp;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Auth;

/// <summary>
/// Each declared auth scheme, applied by <see cref="ProviderHttp"/> when the request is sent: exactly its header, put
/// on after the configured and request extra headers (so one of the same name can't replace it or ride along), and
/// nothing when there is no credential.
/// </summary>
public sealed class AuthSchemeTests
{
    private const string Key = "sk-auth-scheme-key-0123456789";
    private static readonly Uri Url = new("http://127.0.0.1:9/v1/chat");

    public static TheoryData<string> KeyHeaders() => new() { "api-key", "x-api-key", "x-goog-api-key" };

    [Fact]
    public async Task SendAsync_BearerAuth_SendsOnlyTheKeyOverAConfiguredAuthorizationHeader()
    {
        var http = new RecordingHandler();
        var auth = await new BearerAuth(Static(Key), "OpenAI").ResolveAsync(RequestCredentials.Empty, CancellationToken.None);

        await Send(http, auth, Header("Authorization", "Bearer not-the-key"), Header("x-team", "a"));

        Assert.Equal([$"Bearer {Key}"], http.Header("Authorization"));
        Assert.Equal(["a"], http.Header("x-team"));
        Assert.Equal(new Secret(Key), auth.Secret);
    }

    [Theory]
    [MemberData(nameof(KeyHeaders))]
    public async Task SendAsync_HeaderKeyAuth_SendsOnlyTheKeyInItsHeader(string name)
    {
        var http = new RecordingHandler();
        var auth = await new HeaderKeyAuth(name, Static(Key), "P").ResolveAsync(RequestCredentials.Empty, CancellationToken.None);

        // An extra header of the same name, in another case, from the config and from the request.
        await Send(http, auth, Header(name.ToUpperInvariant(), "not-the-key"), Header(name, "also-not-the-key"));

        Assert.Equal([Key], http.Header(name));
        Assert.Empty(http.Header("Authorization"));
        Assert.Equal(new Secret(Key), auth.Secret);
    }

    [Theory]
    [MemberData(nameof(KeyHeaders))]
    public async Task SendStreamingAsync_HeaderKeyAuth_SendsOnlyTheKeyInItsHeader(string name)
    {
        var http = new RecordingHandler("text/event-stream");
        var auth = await new HeaderKeyAuth(name, Static(Key), "P").ResolveAsync(RequestCredentials.Empty, CancellationToken.None);
        using var message = ProviderHttp.JsonPost(Url, "{}", [Header(name, "not-the-key")]);

        using var response = await ProviderHttp.SendStreamingAsync(
            new HttpClient(http), message, auth, "P", SecretScope.None, "text/event-stream", CancellationToken.None);

        Assert.Equal([Key], http.Header(name));
    }

    [Fact]
    public async Task SendAsync_NoCredential_AddsNoAuthHeader()
    {
        var http = new RecordingHandler();
        var none = new FixedCredentialResolver(ResolvedCredential.NoCredential);
        var bearer = await new BearerAuth(none, "vLLM").ResolveAsync(RequestCredentials.Empty, CancellationToken.None);
        var header = await new HeaderKeyAuth("api-key", none, "P").ResolveAsync(RequestCredentials.Empty, CancellationToken.None);

        await Send(http, bearer);
        await Send(http, header);

        Assert.Same(RequestAuth.None, bearer);
        Assert.Same(RequestAuth.None, header);
        Assert.Null(bearer.Secret);
        Assert.All(http.Sent, request =>
        {
            Assert.False(request.Headers.Contains("Authorization"));
            Assert.False(request.Headers.Contains("api-key"));
        });
    }

    [Fact]
    public async Task SendAsync_NoCredential_LeavesAHeaderTheOperatorConfigured()
    {
        var http = new RecordingHandler();

        await Send(http, RequestAuth.None, Header("Authorization", "Bearer proxy-token"));

        Assert.Equal(["Bearer proxy-token"], http.Header("Authorization"));
    }

    [Fact]
    public async Task ResolveAsync_DynamicKeyMissing_FailsNamingTheKey()
    {
        var scheme = new HeaderKeyAuth("x-api-key", new DynamicCredentialResolver("customer_key"), "Anthropic");

        var error = await Assert.ThrowsAsync<GatewayError>(() => scheme.ResolveAsync(RequestCredentials.Empty, CancellationToken.None).AsTask());

        Assert.Equal(ErrorKind.MissingCredential, error.Kind);
        Assert.Equal("API key missing for provider Anthropic: Dynamic api key `customer_key` is missing", error.Message);
    }

    [Fact]
    public async Task ResolveAsync_DynamicKey_SendsTheRequestsKey()
    {
        var http = new RecordingHandler();
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["customer_key"] = new("customer-key-value") });
        var auth = await new BearerAuth(new DynamicCredentialResolver("customer_key"), "OpenAI").ResolveAsync(credentials, CancellationToken.None);

        await Send(http, auth);

        Assert.Equal(["Bearer customer-key-value"], http.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_GcpTokenAuth_SendsTheTokenAsBearerOverAConfiguredAuthorizationHeader()
    {
        var http = new RecordingHandler();
        var errors = new List<string>();
        var config = new ProviderConfig("p", "gcp_vertex_gemini", "models.m.providers.p", null, null, null, [], [], null,
            ProviderSettingsTable.Empty);
        var context = new ProviderBuildContext(config, ProviderRegistry.CreateDefault().Find("gcp_vertex_gemini")!.Descriptor,
            new DynamicCredentialResolver("gcp_token"), new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System, errors,
            new SettingResolver(new FakeEnvironment(new Dictionary<string, string>()), new SecretRegistry()));
        var scheme = GcpTokenAuth.Create(context, "us-central1");
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["gcp_token"] = new("ya29.customer-token") });

        var auth = await scheme.ResolveAsync(credentials, CancellationToken.None);
        await Send(http, auth, Header("Authorization", "Bearer not-the-token"));

        Assert.Empty(errors);
        Assert.Equal(["Bearer ya29.customer-token"], http.Header("Authorization"));
    }

    private static CredentialResolver Static(string key) => new StaticCredentialResolver(CredentialKind.Static, new Secret(key));

    private static ExtraHeaderItem Header(string name, string value) => new(name, value, Delete: false);

    // The layers as providers pass them: configured headers, then the request's.
    private static async Task Send(RecordingHandler http, RequestAuth auth, params ExtraHeaderItem[] headers)
    {
        using var message = ProviderHttp.JsonPost(Url, "{}", headers.Take(1), headers.Skip(1));
        await ProviderHttp.SendAsync(new HttpClient(http), message, auth, "P", SecretScope.None, CancellationToken.None);
    }

    /// <summary>Answers 200 and keeps every request as it was handed to the network.</summary>
    internal sealed class RecordingHandler(string contentType = "application/json") : HttpMessageHandler
    {
        public List<HttpRequestMessage> Sent { get; } = [];

        /// <summary>The values of a header of the last request; empty when it has none.</summary>
        public string[] Header(string name) =>
            Sent[^1].Headers.NonValidated.TryGetValues(name, out var values) ? values.ToArray() : [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}", Encoding.UTF8, contentType) });
        }
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
