using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Embeddings;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>Embedding routing: the next provider after any failure, timeouts that cancel the attempt, and the dummy provider.</summary>
public sealed class EmbeddingModelTests
{
    private static readonly EmbeddingRequest Hello = new(EmbeddingInput.Single("hello"));

    private static readonly EmbeddingProviderResponse Answer = new([[1f]], 1, "req", "res");

    [Fact]
    public async Task EmbedAsync_FirstProviderFails_AnswersFromTheNext()
    {
        var model = new EmbeddingModel("e", [
            new("broken", new Scripted((_, _) => throw new GatewayError(ErrorKind.ProviderServer, "boom")), null),
            new("good", new Scripted((_, _) => Task.FromResult(Answer)), null),
        ], null, TimeProvider.System);

        var result = await model.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(("e", "good", Answer, "scripted"), (result.ModelName, result.ProviderName, result.Response, result.ProviderType));
        Assert.Equal(7, result.ModelInferenceId.Version);
    }

    [Fact]
    public async Task EmbedAsync_FirstProviderFailsWithBody_ReportsItsRawResponseBeforeTheAnswer()
    {
        var model = new EmbeddingModel("e", [
            new("broken", new Scripted((_, _) => throw new GatewayError(ErrorKind.ProviderServer, "boom") { RawResponse = "{\"error\":\"boom\"}" }), null),
            new("good", new Scripted((_, _) => Task.FromResult(Answer)), null),
        ], null, TimeProvider.System);

        var result = await model.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new RawResponseEntry(null, "scripted", "embeddings", "{\"error\":\"boom\"}")], result.FailedRawResponses);
    }

    [Fact]
    public async Task EmbedAsync_EveryProviderFails_NamesEachFailure()
    {
        var model = new EmbeddingModel("e", [
            new("a", new Scripted((_, _) => throw new GatewayError(ErrorKind.ProviderServer, "first")), null),
            new("b", new Scripted((_, _) => throw new GatewayError(ErrorKind.ProviderClient, "second", 401)), null),
        ], null, TimeProvider.System);

        var error = await Assert.ThrowsAsync<GatewayError>(() => model.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal(ErrorKind.AllModelProvidersFailed, error.Kind);
        Assert.Equal("All model providers failed to embed with errors: a: first, b: second", error.Message);
        Assert.Equal(500, ErrorResponses.StatusCode(error));
    }

    [Fact]
    public async Task EmbedAsync_MissingDynamicKey_StaysAClientError()
    {
        var keyed = new DummyEmbeddingProvider("good", new DynamicCredentialResolver("k"), TimeProvider.System);
        var model = new EmbeddingModel("e", [new("dummy", keyed, null)], null, TimeProvider.System);

        var error = await Assert.ThrowsAsync<GatewayError>(() => model.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal(400, ErrorResponses.StatusCode(error));
        Assert.Equal("All model providers failed to embed with errors: dummy: API key missing for provider Dummy: Dynamic api key `k` is missing", error.Message);
    }

    [Fact]
    public async Task EmbedAsync_ProviderTimeout_CancelsTheAttemptAndMovesOn()
    {
        var time = new FakeTimeProvider();
        var hanging = new Hanging();
        var model = new EmbeddingModel("e", [
            new("slow", hanging, 200),
            new("good", new Scripted((_, _) => Task.FromResult(Answer)), null),
        ], null, time);

        var call = model.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None);
        await hanging.Started.Task;
        time.Advance(TimeSpan.FromMilliseconds(200));
        var result = await call;

        Assert.Equal("good", result.ProviderName);
        Assert.True(hanging.Cancelled);
    }

    [Fact]
    public async Task EmbedAsync_ModelTimeout_IsA408NamingTheModel()
    {
        var time = new FakeTimeProvider();
        var hanging = new Hanging();
        var model = new EmbeddingModel("e", [
            new("slow", hanging, null),
            new("never", new Scripted((_, _) => throw new InvalidOperationException("not reached")), null),
        ], 300, time);

        var call = model.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None);
        await hanging.Started.Task;
        time.Advance(TimeSpan.FromMilliseconds(300));
        var error = await Assert.ThrowsAsync<GatewayError>(() => call);

        Assert.Equal("Embedding model e timed out due to configured `timeout_ms` (300 ms)", error.Message);
        Assert.Equal(408, ErrorResponses.StatusCode(error));
        Assert.True(hanging.Cancelled);
    }

    [Fact]
    public async Task Dummy_GivesA1536ZeroVectorPerInputAndTenTokens()
    {
        var dummy = new DummyEmbeddingProvider("good", new NoCredential(), TimeProvider.System);

        var response = await dummy.EmbedAsync(new EmbeddingRequest(new EmbeddingInput(["a", "b"], true), Dimensions: 8), RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(2, response.Embeddings.Count);
        Assert.All(response.Embeddings, vector => Assert.Equal(new float[1536], vector));
        Assert.Equal(10, response.InputTokens);
    }

    [Fact]
    public async Task Dummy_ErrorModel_Fails()
    {
        var dummy = new DummyEmbeddingProvider("error_embedding", new NoCredential(), TimeProvider.System);

        var error = await Assert.ThrowsAsync<GatewayError>(() => dummy.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal("Error from dummy client: Error sending request to Dummy provider for model 'error_embedding'.", error.Message);
    }

    [Fact]
    public async Task Dummy_SlowModel_AnswersAfterThirtySeconds()
    {
        var time = new FakeTimeProvider();
        var dummy = new DummyEmbeddingProvider("slow", new NoCredential(), time);

        var call = dummy.EmbedAsync(Hello, RequestCredentials.Empty, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Single((await call).Embeddings);
    }

    private sealed class Scripted(Func<EmbeddingRequest, CancellationToken, Task<EmbeddingProviderResponse>> answer) : IEmbeddingProvider
    {
        public string Type => "scripted";

        public Task<EmbeddingProviderResponse> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
            answer(request, cancellationToken);
    }

    /// <summary>Never answers; records that its token was cancelled.</summary>
    private sealed class Hanging : IEmbeddingProvider
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public string Type => "hanging";

        public async Task<EmbeddingProviderResponse> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class NoCredential : CredentialResolver
    {
        public override bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason)
        {
            credential = ResolvedCredential.NoCredential;
            unavailableReason = null;
            return true;
        }
    }
}
