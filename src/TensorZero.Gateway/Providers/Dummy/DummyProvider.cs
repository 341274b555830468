using System.Collections.Concurrent;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>Builds <c>type = "dummy"</c> providers: offline models whose behaviour is chosen by <c>model_name</c>.</summary>
public sealed class DummyProviderFactory : IProviderFactory
{
    // Call counters of `flaky_*` models are shared by every dummy provider of one gateway, keyed by model name.
    private readonly ConcurrentDictionary<string, int> _flakyCalls = new(StringComparer.Ordinal);

    public string Type => "dummy";

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
    ConcurrentDictionary<string, int> flakyCalls) : IModelProvider
{
    public const string DefaultText =
        "Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake.";

    public const string AlternateText = "Megumin chanted her spell, but instead of an explosion, a gentle rain began to fall.";

    public const string GoodKey = "good_key";

    private const string DisplayName = "Dummy";

    public string Type => "dummy";

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = credential.Require(credentials, DisplayName);
        await Task.Delay(modelName == "slow" ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(1), time, cancellationToken)
            .ConfigureAwait(false);

        if (modelName.StartsWith("flaky_", StringComparison.Ordinal))
        {
            var call = flakyCalls.AddOrUpdate(modelName, 1, (_, n) => n + 1);
            if (call % 2 == 0)
            {
                throw new GatewayError(ErrorKind.ProviderServer, $"Flaky model '{modelName}' failed on call number {call}");
            }
        }
        if (modelName.StartsWith("error", StringComparison.Ordinal))
        {
            throw new GatewayError(ErrorKind.ProviderServer, $"Error sending request to Dummy provider for model '{modelName}'.");
        }
        if (modelName == "test_key" && key.Secret is { } secret && secret.Reveal() != GoodKey)
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
            _ => [new TextBlock(DefaultText)],
        };
        var usage = new Usage(10, content.Count);
        return new ProviderResponse(content, usage, FinishReason.Stop, "raw request", $"{{\"model\":\"{modelName}\"}}");
    }

    private static string LastUserText(ModelRequest request)
    {
        var last = request.Messages.LastOrDefault(m => m.Role == Role.User);
        return last is null ? string.Empty : string.Concat(last.Content.OfType<TextBlock>().Select(t => t.Text));
    }
}
