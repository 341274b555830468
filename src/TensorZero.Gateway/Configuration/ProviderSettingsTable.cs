namespace TensorZero.Gateway.Configuration;

/// <summary>
/// A provider's type-specific keys under <c>[models.M.providers.P]</c>, as written: the config loader has checked the
/// key names against the type, not the values. Its factory reads them through <see cref="ProviderSettings"/>.
/// </summary>
public sealed class ProviderSettingsTable
{
    private readonly IReadOnlyDictionary<string, object?> _values;
    private readonly string[] _keys;

    /// <param name="values">
    /// Values as TOML gives them: <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>,
    /// and for a table or an array, a dictionary or a list of such values. Keys keep the dictionary's order.
    /// </param>
    public ProviderSettingsTable(IReadOnlyDictionary<string, object?> values)
    {
        _values = values;
        _keys = [.. values.Keys];
    }

    public static ProviderSettingsTable Empty { get; } = new(new Dictionary<string, object?>());

    /// <summary>The keys the table sets.</summary>
    public IReadOnlyCollection<string> Keys => _keys;

    public bool Has(string key) => _values.ContainsKey(key);

    internal bool TryGetValue(string key, out object? value) => _values.TryGetValue(key, out value);
}
