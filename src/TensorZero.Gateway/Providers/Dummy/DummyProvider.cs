using System.Runtime.CompilerServices;
using TensorZero.Gateway.Collections;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>Builds <c>type = "dummy"</c> providers: offline models whose behaviour is chosen by <c>model_name</c>.</summary>
public sealed class DummyProviderFactory : IProviderFactory
{
    /// <summary>How many <c>flaky_*</c> names keep a call counter; past it the least recently called name starts over.</summary>
    public const int MaxFlakyCounters = 1024;

    // Call counters of `flaky_*` models are shared by every dummy provider of one gateway, keyed by model name. Any
    // client may send `dummy::flaky_<anything>`, so the counters are bounded.
    private readonly BoundedLruCache<StrongBox<int>> _flakyCalls = new(MaxFlakyCounters);

    /// <summary>The <c>dummy</c> provider type, shared with <see cref="DummyEmbeddingProviderFactory"/>.</summary>
    public static readonly ProviderDescriptor DummyType = new(
        CredentialRules.NoKeyByDefault("dummy", "Dummy", CredentialForms.Dynamic | CredentialForms.NoCredential), AuthHeaders: [],
        SupportsShorthand: true, HasDefaultsTable: false);

    internal int FlakyCounterCount => _flakyCalls.Count;

    public ProviderDescriptor Descriptor => DummyType;

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_name"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        if (string.IsNullOrEmpty(context.Config.ModelName))
        {
            context.Errors.Add($"`{context.Config.Path}.model_name`: is required for `dummy` providers");
        }
        return new DummyProvider(context.Config.ModelName ?? "good", context.Credential, context.Time, _flakyCalls);
    }
}

/// <summary>
/// An offline provider for trying the gateway without keys or network and for testing routing, fallbacks and
/// credential handling. Behaviours follow TensorZero's dummy provider.
/// </summary>
public sealed class DummyProvider(
    string modelName,
    CredentialResolver credential,
    TimeProvider time,
    BoundedLruCache<StrongBox<int>> flakyCalls) : IModelProvider
{
    public const string DefaultText =
        "Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake.";

    public const string AlternateText = "Megumin chanted her spell, but instead of an explosion, a gentle rain began to fall.";

    public const string GoodKey = "good_key";

    /// <summary>The key <c>test_key</c> accepts, compared as a <see cref="Secret"/> so the request's key is never read out.</summary>
    internal static readonly Secret GoodSecret = new(GoodKey);

    /// <summary>The text the default streaming behaviour sends, in <see cref="StreamedPieces"/> chunks.</summary>
    public const string StreamedText = "Wally, the golden retriever, wagged his tail excitedly as he devoured a slice of cheese pizza.";

    public const int StreamedPieces = 16;

    private const string DisplayName = "Dummy";

    public string Type => "dummy";

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = credential.Require(credentials, DisplayName);
        await Task.Delay(modelName == "slow" ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(1), time, cancellationToken)
            .ConfigureAwait(false);

        if (modelName.StartsWith("flaky_", StringComparison.Ordinal))
        {
            var call = NextFlakyCall();
            if (call % 2 == 0)
            {
                throw new GatewayError(ErrorKind.ProviderServer, $"Flaky model '{modelName}' failed on call number {call}");
            }
        }
        if (modelName.StartsWith("error", StringComparison.Ordinal))
        {
            throw new GatewayError(ErrorKind.ProviderServer, $"Error sending request to Dummy provider for model '{modelName}'.");
        }
        if (modelName == "test_key" && key.Secret is { } secret && !secret.Equals(GoodSecret))
        {
            throw new GatewayError(ErrorKind.ProviderClient, "Invalid API key for Dummy provider", 401);
        }

        IReadOnlyList<ContentBlock> content = modelName switch
        {
            "null" => [],
            "empty" => [new TextBlock(string.Empty)],
            "echo" => [new TextBlock(LastUserText(request))],
            "alternate" => [new TextBlock(AlternateText)],
            "json" => [new TextBlock("{\"answer\":\"Hello\"}")],
            "json_goodbye" => [new TextBlock("{\"answer\":\"Goodbye\"}")],
            "random_answer" => [new TextBlock($"{{\"answer\":\"{Guid.CreateVersion7()}\"}}")],
            "json_diff_schema" => [new TextBlock("{\"response\":\"Hello\"}")],
            "tool" => [new ToolCallBlock("0", "get_temperature", "{\"location\":\"Brooklyn\",\"units\":\"celsius\"}")],
            "bad_tool" => [new ToolCallBlock("0", "get_temperature", "{\"location\":\"Brooklyn\",\"units\":\"Celsius\"}")],
            "invalid_tool_arguments" => [new ToolCallBlock("0", "get_temperature", "Invalid JSON string")],
            "good_tool" => [new ToolCallBlock("0", "output_schema_tool", "{\"sentiment\":\"positive\",\"confidence\":0.95}")],
            "reasoner" => [new ThoughtBlock("hmmm"), new TextBlock(DefaultText)],
            "reasoner_with_signature" => [new ThoughtBlock("hmmm", "my_signature"), new TextBlock(DefaultText)],
            _ => [new TextBlock(DefaultText)],
        };
        var usage = new Usage(10, content.Count);
        var finish = modelName.Contains("tool", StringComparison.Ordinal) ? FinishReason.ToolCall : FinishReason.Stop;
        return new ProviderResponse(content, usage, finish, "raw request", $"{{\"model\":\"{modelName}\"}}");
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(modelName == "slow" ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(1), time, cancellationToken)
            .ConfigureAwait(false);
        if (modelName.StartsWith("flaky_", StringComparison.Ordinal) && NextFlakyCall() is var call && call % 2 == 0)
        {
            throw new GatewayError(ErrorKind.ProviderServer, $"Flaky model '{modelName}' failed on call number {call}");
        }
        if (modelName.StartsWith("error", StringComparison.Ordinal))
        {
            throw new GatewayError(ErrorKind.ProviderServer, $"Error sending request to Dummy provider for model '{modelName}'.");
        }

        IReadOnlyList<ContentDelta> pieces = modelName switch
        {
            "tool" => [new ToolCallDelta("0", "get_temperature", "{\"location\":"), new ToolCallDelta("0", null, "\"Brooklyn\","),
                new ToolCallDelta("0", null, "\"units\":\"celsius\"}")],
            "json" => new[] { "{\"name\"", ":\"John\"", ",\"age\"", ":30", "}" }.Select(p => (ContentDelta)new TextDelta("0", p)).ToList(),
            "echo" => [new TextDelta("0", LastUserText(request))],
            _ => Split(StreamedText, StreamedPieces).Select(p => (ContentDelta)new TextDelta("0", p)).ToList(),
        };
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i > 0)
            {
                var pause = modelName == "slow_second_chunk" && i == 1 ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(10);
                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            }
            if ((modelName == "err_in_stream" && i == 3) || (modelName == "fatal_stream_error" && i == 2))
            {
                throw new GatewayError(ErrorKind.ProviderServer, "Dummy error in stream");
            }
            yield return new ProviderStreamChunk([pieces[i]], null, null, $"{{\"chunk\":{i}}}");
        }
        var finish = modelName.Contains("tool", StringComparison.Ordinal) ? FinishReason.ToolCall : FinishReason.Stop;
        yield return new ProviderStreamChunk([], new Usage(10, pieces.Count), finish, "{\"done\":true}");
    }

    private int NextFlakyCall() => Interlocked.Increment(ref flakyCalls.GetOrAdd(modelName, static _ => new StrongBox<int>()).Value);

    private static IEnumerable<string> Split(string text, int pieces)
    {
        var size = (int)Math.Ceiling(text.Length / (double)pieces);
        for (var start = 0; start < text.Length; start += size)
        {
            yield return text.Substring(start, Math.Min(size, text.Length - start));
        }
    }

    private static string LastUserText(ModelRequest request)
    {
        var last = request.Messages.LastOrDefault(m => m.Role == Role.User);
        return last is null ? string.Empty : string.Concat(last.Content.OfType<TextBlock>().Select(t => t.Text));
    }
}
