using System.Runtime.CompilerServices;
using TensorZero.Gateway.Collections;
using TensorZero.Gateway.Credentials;

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
        return new DummyProvider(context.Config.ModelName ?? "good", context.Config, context.Credential, context.Time, _flakyCalls);
    }
}
