using System.Collections.Concurrent;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Shorthand models (<c>openai::gpt-4o-mini</c>), built on first use and kept, so per-provider state such as a cached
/// GCP token survives between requests. The bound keeps client-chosen names from growing it without limit: past it,
/// a model is built for the request and not kept.
/// </summary>
internal sealed class ShorthandModelCache<TModel>(Func<string, TModel> build)
    where TModel : class
{
    public const int MaxEntries = 256;

    private readonly ConcurrentDictionary<string, TModel> _built = new(StringComparer.Ordinal);

    public TModel Get(string name)
    {
        if (_built.TryGetValue(name, out var model))
        {
            return model;
        }
        model = build(name);
        return _built.Count < MaxEntries ? _built.GetOrAdd(name, model) : model;
    }
}
