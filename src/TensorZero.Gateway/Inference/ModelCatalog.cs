namespace TensorZero.Gateway.Inference;

/// <summary>
/// Models by name: those built at startup from the config, then shorthand ones (<c>openai::gpt-4o-mini</c>) built on
/// first use and kept in a bounded cache, so per-provider state such as a cached GCP token survives between requests.
/// </summary>
public abstract class ModelCatalog<TModel>
    where TModel : class
{
    private readonly IReadOnlyDictionary<string, TModel> _configured;
    private readonly ShorthandModelCache<TModel> _shorthand;

    private protected ModelCatalog(IReadOnlyDictionary<string, TModel> configured)
    {
        _configured = configured;
        _shorthand = new ShorthandModelCache<TModel>(BuildShorthand);
    }

    /// <summary>How many shorthand models are cached now (at most <see cref="ShorthandModelCache{TModel}.MaxEntries"/>).</summary>
    internal int CachedShorthandModels => _shorthand.Count;

    /// <summary>The model with this name; shorthand names are built on the spot.</summary>
    /// <exception cref="Errors.GatewayError">The name is neither configured nor a shorthand that can be built.</exception>
    public TModel Get(string name) => _configured.TryGetValue(name, out var model) ? model : _shorthand.Get(name);

    private protected bool IsConfigured(string name) => _configured.ContainsKey(name);

    private protected abstract TModel BuildShorthand(string name);
}
