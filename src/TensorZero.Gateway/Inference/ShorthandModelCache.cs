using TensorZero.Gateway.Collections;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Shorthand models (<c>openai::gpt-4o-mini</c>), built on first use and kept, so per-provider state such as a cached
/// GCP token survives between requests. Clients choose the names, so at most <see cref="MaxEntries"/> are kept and the
/// least recently used one is dropped to make room: junk names can't grow memory or push out names in steady use.
/// </summary>
internal sealed class ShorthandModelCache<TModel>(Func<string, TModel> build)
    where TModel : class
{
    public const int MaxEntries = 256;

    private readonly BoundedLruCache<TModel> _built = new(MaxEntries);

    public int Count => _built.Count;

    public TModel Get(string name) => _built.GetOrAdd(name, build);
}
