using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.Dummy;

namespace TensorZero.Gateway.Tests.Providers.Dummy;

/// <summary>The dummy embedding provider answers and fails as TensorZero's does, checking its model name before its key.</summary>
public sealed class DummyEmbeddingParityTests
{
    private static readonly EmbeddingRequest Batch = new(new EmbeddingInput(["a", "b", "c"], true));

    private static readonly CredentialResolver Keyed = new DynamicCredentialResolver("k");

    [Fact]
    public async Task EmbedAsync_AnyOtherName_GivesZeroVectorsTenInputTokensAndTensorZerosRawBody()
    {
        var response = await Dummy("good").EmbedAsync(Batch, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(3, response.Embeddings.Count);
        Assert.All(response.Embeddings, vector => Assert.Equal(new float[1536], vector));
        Assert.Equal(10, response.InputTokens);
        Assert.Equal("raw request", response.RawRequest);
        Assert.Equal("""{"usage": {"prompt_tokens": 10, "total_tokens": 10}}""", response.RawResponse);
    }

    [Theory]
    [InlineData("error", "Error from dummy client: Error sending request to Dummy provider for model 'error'.")]
    [InlineData("error_embedding", "Error from dummy client: Error sending request to Dummy provider for model 'error_embedding'.")]
    [InlineData("error_with_raw_response", "Error 500 Internal Server Error from dummy client: Error from Dummy embedding provider with raw response")]
    public async Task EmbedAsync_ErrorNames_FailBeforeTheKeyIsLookedUp(string model, string message)
    {
        // The key is missing, yet the error name's own failure is the one reported, as in TensorZero.
        var error = await Assert.ThrowsAsync<GatewayError>(() =>
            new DummyEmbeddingProvider(model, Keyed, TimeProvider.System).EmbedAsync(Batch, RequestCredentials.Empty, CancellationToken.None));

        Assert.Equal(ErrorKind.ProviderClient, error.Kind);
        Assert.Equal(message, error.Message);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task EmbedAsync_TestKey_AcceptsOnlyGoodKeyAndNoKeyAtAll()
    {
        var provider = new DummyEmbeddingProvider("test_key", Keyed, TimeProvider.System);

        var good = await provider.EmbedAsync(Batch, With("good_key"), CancellationToken.None);
        var wrong = await Assert.ThrowsAsync<GatewayError>(() => provider.EmbedAsync(Batch, With("bad_key"), CancellationToken.None));
        var missing = await Assert.ThrowsAsync<GatewayError>(() => provider.EmbedAsync(Batch, RequestCredentials.Empty, CancellationToken.None));
        var unkeyed = await Dummy("test_key").EmbedAsync(Batch, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(3, good.Embeddings.Count);
        Assert.Equal("Error from dummy client: Invalid API key for Dummy provider", wrong.Message);
        Assert.Equal(ErrorKind.MissingCredential, missing.Kind);
        Assert.Equal("API key missing for provider Dummy: Dynamic api key `k` is missing", missing.Message);
        Assert.Equal(3, unkeyed.Embeddings.Count);
    }

    [Fact]
    public async Task EmbedAsync_NameContainingSlow_WaitsThirtySecondsBeforeTheKeyCheck()
    {
        var time = new FakeTimeProvider();
        var call = new DummyEmbeddingProvider("very_slow", Keyed, time).EmbedAsync(Batch, RequestCredentials.Empty, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<GatewayError>(() => call);
        Assert.Equal(ErrorKind.MissingCredential, error.Kind);
    }

    private static DummyEmbeddingProvider Dummy(string model) =>
        new(model, new FixedCredentialResolver(ResolvedCredential.NoCredential), TimeProvider.System);

    private static RequestCredentials With(string key) => new(new Dictionary<string, Secret> { ["k"] = new(key) });
}
