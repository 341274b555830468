using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Routing;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Inference.Routing;

/// <summary>The wrappers every routed provider gets: its own timeouts, stream-failure translation and failure logging.</summary>
public sealed class ProviderWrapperTests
{
    private static readonly ModelRequest Request = new(null, [], InferenceParams.Empty, [], []);

    [Fact]
    public async Task ProviderTimeout_NonStreamingTotalExpires_IsATimeoutErrorNamingTheProviderAndSetting()
    {
        var time = new FakeTimeProvider();
        var provider = new ProviderTimeout(new ScriptedProvider { Hang = true }, "slow", new TimeoutsConfig(500, null, null), time);

        var call = provider.InferAsync(Request, RequestCredentials.Empty, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(501));
        var error = await Assert.ThrowsAsync<GatewayError>(() => call);

        Assert.Equal(ErrorKind.Timeout, error.Kind);
        Assert.Equal("Model provider slow timed out due to configured `non_streaming.total_ms` timeout (500 ms)", error.Message);
    }

    [Fact]
    public async Task ProviderTimeout_OuterTokenCancelled_PassesTheCancellationThroughUntranslated()
    {
        using var outer = new CancellationTokenSource();
        var provider = new ProviderTimeout(new ScriptedProvider { Hang = true }, "slow", new TimeoutsConfig(60_000, null, null), TimeProvider.System);

        var call = provider.InferAsync(Request, RequestCredentials.Empty, outer.Token);
        await outer.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task ProviderTimeout_StreamWithoutFirstChunkInTime_IsATtftTimeout()
    {
        var time = new FakeTimeProvider();
        var provider = new ProviderTimeout(new ScriptedProvider { Hang = true }, "slow", new TimeoutsConfig(null, 200, null), time);

        await using var chunks = provider.StreamAsync(Request, RequestCredentials.Empty, CancellationToken.None).GetAsyncEnumerator();
        var first = chunks.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromMilliseconds(201));
        var error = await Assert.ThrowsAsync<GatewayError>(() => first);

        Assert.Equal("Model provider slow timed out due to configured `streaming.ttft_ms` timeout (200 ms)", error.Message);
    }

    [Fact]
    public async Task StreamFailureTranslation_BrokenConnectionEchoingTheKey_IsAProviderErrorWithTheKeyRedacted()
    {
        const string canary = "sk-canary-4f1d2c9e8b7a6d5c";
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["k"] = new(canary) });
        var provider = new StreamFailureTranslation(
            new ScriptedProvider { StreamFailure = new IOException($"reset while sending {canary}") }, "p", new SecretRegistry());

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(Request, credentials, CancellationToken.None))
            {
            }
        });

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.StartsWith("Error in stream of model provider p: the connection broke", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(canary[..12], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamFailureTranslation_EmptyStream_IsAProviderError()
    {
        var provider = new StreamFailureTranslation(new ScriptedProvider(), "p", new SecretRegistry());

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(Request, RequestCredentials.Empty, CancellationToken.None))
            {
            }
        });

        Assert.Equal("Model provider p ended its stream without any chunk", error.Message);
    }

    [Fact]
    public async Task StreamFailureTranslation_FirstChunkIsANonFatalError_FailsTheAttemptWithThatError()
    {
        var failure = new GatewayError(ErrorKind.ProviderClient, "Error from dummy client: broken at once");
        var provider = new StreamFailureTranslation(new ScriptedProvider { Chunks = [ProviderStreamChunk.Failed(failure)] }, "p", new SecretRegistry());

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(Request, RequestCredentials.Empty, CancellationToken.None))
            {
            }
        });

        Assert.Same(failure, error);
    }

    [Fact]
    public async Task StreamFailureTranslation_NonFatalErrorAfterTheFirstChunk_IsPassedOnAndTheStreamGoesOn()
    {
        var failure = ProviderStreamChunk.Failed(new GatewayError(ErrorKind.ProviderClient, "Error from dummy client: hiccup"));
        var text = new ProviderStreamChunk([new TextDelta("0", "a")], null, null, "a");
        var provider = new StreamFailureTranslation(new ScriptedProvider { Chunks = [text, failure, text] }, "p", new SecretRegistry());

        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in provider.StreamAsync(Request, RequestCredentials.Empty, CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        Assert.Equal([text, failure, text], chunks);
    }

    [Fact]
    public async Task FailureLogging_FailedCall_LogsAWarningNamingProviderAndModelAndRethrows()
    {
        var logger = new RecordingLogger();
        var failure = new GatewayError(ErrorKind.ProviderServer, "upstream said 500");
        var provider = new FailureLogging(new ScriptedProvider { Failure = failure }, "p1", "m", logger);

        var thrown = await Assert.ThrowsAsync<GatewayError>(() => provider.InferAsync(Request, RequestCredentials.Empty, CancellationToken.None));

        Assert.Same(failure, thrown);
        var line = Assert.Single(logger.Lines);
        Assert.Equal("Model provider p1 of model m failed: upstream said 500", line);
    }

    [Fact]
    public async Task FailureLogging_SuccessfulCall_LogsNothing()
    {
        var logger = new RecordingLogger();
        var provider = new FailureLogging(new ScriptedProvider(), "p1", "m", logger);

        await provider.InferAsync(Request, RequestCredentials.Empty, CancellationToken.None);

        Assert.Empty(logger.Lines);
    }

    [Fact]
    public void RoutedProvider_KeepsTheUnwrappedProviderForInspection()
    {
        var inner = new ScriptedProvider();
        var routed = new RoutedProvider("p", inner, new TimeoutsConfig(1, 1, 1), "m",
            new ProviderServices(new NoHttpClients(), NullLoggerFactory.Instance, TimeProvider.System));

        Assert.Same(inner, routed.Provider);
        Assert.NotSame(inner, routed.Pipeline);
        Assert.Equal(inner.Type, routed.Pipeline.Type);
    }

    [Fact]
    public async Task IgnoredParamWarning_ParamsTheProviderCantSend_AreEachNamedInTensorZerosWarning()
    {
        var logger = new RecordingLogger();
        var inner = new ScriptedProvider { ParamSupport = new InferenceParamSupport("Scripted", true, ["auto", "default"], false, false, ThinkingTip: InferenceParamSupport.UseReasoningEffort) };
        var provider = new IgnoredParamWarning(inner, logger);
        var request = Request with { Params = new InferenceParams(ReasoningEffort: "high", ServiceTier: "flex", Verbosity: "low", ThinkingBudgetTokens: 64) };

        await provider.InferAsync(request, RequestCredentials.Empty, CancellationToken.None);
        await foreach (var _ in provider.StreamAsync(request with { Params = new InferenceParams(ServiceTier: "auto") }, RequestCredentials.Empty, CancellationToken.None))
        {
        }

        Assert.Equal(
        [
            "Scripted does not support the inference parameter `service_tier (flex)`, so it will be ignored.",
            "Scripted does not support the inference parameter `thinking_budget_tokens`, so it will be ignored. Tip: You might want to use `reasoning_effort` for this provider.",
            "Scripted does not support the inference parameter `verbosity`, so it will be ignored.",
        ], logger.Lines);
    }

    [Fact]
    public async Task IgnoredParamWarning_ProviderWithoutTiers_NamesTheParameterAlone()
    {
        var logger = new RecordingLogger();
        var provider = new IgnoredParamWarning(new ScriptedProvider(), logger);

        await provider.InferAsync(Request with { Params = new InferenceParams(ServiceTier: "priority") }, RequestCredentials.Empty, CancellationToken.None);
        await provider.InferAsync(Request, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(["Scripted does not support the inference parameter `service_tier`, so it will be ignored."], logger.Lines);
    }

    private sealed class ScriptedProvider : IModelProvider
    {
        public bool Hang { get; init; }

        public GatewayError? Failure { get; init; }

        public Exception? StreamFailure { get; init; }

        public IReadOnlyList<ProviderStreamChunk> Chunks { get; init; } = [];

        public string Type => "scripted";

        public InferenceParamSupport ParamSupport { get; init; } = InferenceParamSupport.None("Scripted");

        public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
        {
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return Failure is null ? new ProviderResponse([], Usage.Unknown, null, "{}", "{}") : throw Failure;
        }

        public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
            ModelRequest request,
            RequestCredentials credentials,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (StreamFailure is not null)
            {
                throw StreamFailure;
            }
            foreach (var chunk in Chunks)
            {
                yield return chunk;
            }
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }

    private sealed class NoHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP here");
    }
}
