using TensorZero.Gateway.Inference;
using System.Runtime.CompilerServices;
using TensorZero.Gateway.Collections;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>
/// An offline provider for trying the gateway without keys or network and for testing routing, fallbacks and
/// credential handling. Every <c>model_name</c> behaves as in TensorZero's dummy provider, streamed and not
/// (<see cref="DummyResponses"/> holds the answers, <see cref="DummyFailures"/> the failures, <see cref="DummyEcho"/>
/// the models that echo their request). As there, a stream never checks the credential.
/// </summary>
public sealed class DummyProvider(
    string modelName,
    ProviderConfig config,
    CredentialResolver credential,
    TimeProvider time,
    BoundedLruCache<StrongBox<int>> flakyCalls) : IModelProvider
{
    public const string DefaultText = DummyResponses.DefaultText;

    public const string AlternateText = DummyResponses.AlternateText;

    public const string GoodKey = "good_key";

    /// <summary>The key <c>test_key</c> accepts, compared as a <see cref="Secret"/> so the request's key is never read out.</summary>
    internal static readonly Secret GoodSecret = new(GoodKey);

    /// <summary>The text the default streaming behaviour sends, in <see cref="StreamedPieces"/> chunks.</summary>
    public const string StreamedText = "Wally, the golden retriever, wagged his tail excitedly as he devoured a slice of cheese pizza.";

    public const int StreamedPieces = 16;

    private const string DisplayName = "Dummy";

    private static readonly TimeSpan ChunkInterval = TimeSpan.FromMilliseconds(10);

    private static readonly RawUsage NoRawUsage = new(null);

    public string Type => "dummy";

    public InferenceParamSupport ParamSupport { get; } = InferenceParamSupport.All(DisplayName);

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        await StartAsync(rateLimitWhenFlaky: true, cancellationToken).ConfigureAwait(false);
        if (modelName.StartsWith("error", StringComparison.Ordinal))
        {
            throw DummyFailures.ErrorModel(modelName);
        }
        if (modelName == "multiple-text-blocks" && (request.Messages.Count == 0 || request.Messages[0].Content.Count(b => b is TextBlock) != 2))
        {
            throw DummyFailures.Client("First message must have exactly two text blocks");
        }
        var key = credential.Require(credentials, DisplayName);
        if (modelName == "test_key" && key.Secret is { } secret && !secret.Equals(GoodSecret))
        {
            throw DummyFailures.InvalidKey();
        }

        IReadOnlyList<ContentBlock> content = DummyResponses.Fixed(modelName) ?? modelName switch
        {
            "echo" => [new TextBlock(DummyEcho.LastUserText(request))],
            "echo_request_messages" => [new TextBlock(DummyEcho.RequestMessages(request))],
            "echo_extra_info" => [new TextBlock(DummyExtras.ExtraInfo(request))],
            "echo_injected_data" => [new TextBlock(DummyExtras.InjectedData(request, config))],
            "extract_images" => [new TextBlock(DummyEcho.Files(Files(request)))],
            "require_pdf" => Files(request) is var files && files.Any(DummyFiles.IsPdf)
                ? [new TextBlock(DummyEcho.Files(files))]
                : throw DummyFailures.Client("PDF must be provided for require_pdf model"),
            "random_answer" => [new TextBlock($$"""{"answer":"{{UuidV7.New(time.GetUtcNow())}}"}""")],
            "llm_judge::error" => throw DummyFailures.Client("Dummy error in inference"),
            _ => [new TextBlock(DummyResponses.DefaultText)],
        };
        var finish = modelName.Contains("tool", StringComparison.Ordinal) ? FinishReason.ToolCall : FinishReason.Stop;
        // TensorZero's dummy reports a raw usage entry without data: it has no usage object of its own.
        return new ProviderResponse(
            content, DummyResponses.Usage(modelName, content.Count), finish, DummyResponses.RawRequest, DummyResponses.RawResponse(modelName))
        {
            RawUsage = NoRawUsage,
        };
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await StartAsync(rateLimitWhenFlaky: false, cancellationToken).ConfigureAwait(false);
        var chunks = modelName switch
        {
            "reasoner" => Reasoning(DummyResponses.StreamedThoughts, DummyResponses.StreamedText, cancellationToken),
            "json_reasoner" => Reasoning(DummyResponses.StreamedThoughts, DummyResponses.StreamedJson, cancellationToken),
            "json" => Reasoning([], DummyResponses.StreamedJson, cancellationToken),
            _ when modelName.StartsWith("error", StringComparison.Ordinal) => throw DummyFailures.ErrorModel(modelName),
            _ => Pieces(cancellationToken),
        };
        string? unsentBody = DummyResponses.RawRequest;
        await foreach (var chunk in chunks.ConfigureAwait(false))
        {
            yield return ProviderStreamChunk.First(chunk, ref unsentBody);
        }
    }

    // What every call does first: `slow` waits 5 s, every call 1 ms, and a `flaky_*` name fails every second call.
    private async Task StartAsync(bool rateLimitWhenFlaky, CancellationToken cancellationToken)
    {
        if (modelName == "slow")
        {
            await Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken).ConfigureAwait(false);
        }
        await Task.Delay(TimeSpan.FromMilliseconds(1), time, cancellationToken).ConfigureAwait(false);
        if (modelName.StartsWith("flaky_", StringComparison.Ordinal)
            && Interlocked.Increment(ref flakyCalls.GetOrAdd(modelName, static _ => new StrongBox<int>()).Value) is var call
            && call % 2 == 0)
        {
            throw rateLimitWhenFlaky && modelName.Contains("rate_limit", StringComparison.Ordinal)
                ? DummyFailures.RateLimited()
                : DummyFailures.Flaky(modelName, call);
        }
    }

    // Thought chunks, then text chunks, each with an empty raw chunk; the last chunk's raw body counts 10 tokens in.
    private async IAsyncEnumerable<ProviderStreamChunk> Reasoning(
        IReadOnlyList<string> thoughts,
        IReadOnlyList<string> texts,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var deltas = thoughts.Select(t => (ContentDelta)new ThoughtDelta("0", t)).Concat(texts.Select(t => new TextDelta("0", t))).ToList();
        for (var i = 0; i < deltas.Count; i++)
        {
            await PauseAsync(i, cancellationToken).ConfigureAwait(false);
            yield return new ProviderStreamChunk([deltas[i]], null, null, string.Empty);
        }
        await PauseAsync(deltas.Count, cancellationToken).ConfigureAwait(false);
        yield return new ProviderStreamChunk(
            [], DummyResponses.Usage(modelName, deltas.Count), FinishReason.Stop, DummyResponses.UsageRaw(10, deltas.Count))
        {
            RawUsage = NoRawUsage,
        };
    }

    // Text or tool-argument chunks, each its own raw chunk. `err_in_stream*` puts a non-fatal error in place of chunk 3,
    // `fatal_stream_error*` ends the stream at chunk 2, `slow_second_chunk` waits 2 s before chunk 1.
    private async IAsyncEnumerable<ProviderStreamChunk> Pieces([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (pieces, isToolCall) = modelName switch
        {
            "tool" or "tool_split_name" => (DummyResponses.StreamedToolArguments, true),
            "good_tool" => (DummyResponses.StreamedGoodToolArguments, true),
            _ => (DummyResponses.StreamedText, false),
        };
        for (var i = 0; i < pieces.Count; i++)
        {
            await PauseAsync(i, cancellationToken).ConfigureAwait(false);
            if (modelName == "slow_second_chunk" && i == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken).ConfigureAwait(false);
            }
            switch (modelName)
            {
                case "fatal_stream_error" when i == 2:
                    throw DummyFailures.FatalStream("Dummy fatal error");
                case "fatal_stream_error_with_raw_response" when i == 2:
                    throw DummyFailures.FatalStream("Dummy fatal error with raw response", """{"error": "dummy fatal raw response"}""");
                case "err_in_stream" when i == 3:
                    yield return ProviderStreamChunk.Failed(DummyFailures.Client("Dummy error in stream"));
                    continue;
                case "err_in_stream_with_raw_response" when i == 3:
                    yield return ProviderStreamChunk.Failed(
                        DummyFailures.Client("Dummy error in stream with raw response", rawResponse: """{"error": "dummy client raw response"}"""));
                    continue;
            }
            ContentDelta delta = isToolCall ? new ToolCallDelta("0", ToolName(i), pieces[i]) : new TextDelta("0", pieces[i]);
            yield return new ProviderStreamChunk([delta], null, null, pieces[i]);
        }
        await PauseAsync(pieces.Count, cancellationToken).ConfigureAwait(false);
        var usage = DummyResponses.Usage(modelName, pieces.Count);
        yield return new ProviderStreamChunk(
            [], usage, isToolCall ? FinishReason.ToolCall : FinishReason.Stop, DummyResponses.UsageRaw(usage.InputTokens ?? 0, usage.OutputTokens ?? 0))
        {
            RawUsage = NoRawUsage,
        };
    }

    // The tool's name arrives with the first chunk; `tool_split_name` sends it in two pieces.
    private string? ToolName(int index) => (modelName, index) switch
    {
        ("tool_split_name", 0) => "get_temp",
        ("tool_split_name", 1) => "erature",
        (_, 0) when modelName != "tool_split_name" => "get_temperature",
        _ => null,
    };

    private Task PauseAsync(int index, CancellationToken cancellationToken) =>
        index == 0 ? Task.CompletedTask : Task.Delay(ChunkInterval, time, cancellationToken);

    private static List<FileBlock> Files(ModelRequest request) =>
        request.Messages.SelectMany(m => m.Content).OfType<FileBlock>().ToList();
}
