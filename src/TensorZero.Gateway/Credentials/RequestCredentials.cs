using System.Collections.Frozen;

namespace TensorZero.Gateway.Credentials;

/// <summary>The per-request <c>credentials</c> map. Values are secrets; only key names are ever rendered.</summary>
public sealed class RequestCredentials
{
    public static readonly RequestCredentials Empty = new(FrozenDictionary<string, Secret>.Empty);

    private readonly FrozenDictionary<string, Secret> _values;

    public RequestCredentials(IReadOnlyDictionary<string, Secret> values)
    {
        _values = values.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _values.Count;

    public bool TryGet(string key, out Secret? secret) => _values.TryGetValue(key, out secret);

    /// <summary>Every value, for redacting them from provider errors.</summary>
    public IEnumerable<Secret> Values => _values.Values;

    public override string ToString() => $"credentials({_values.Count} keys)";
}
