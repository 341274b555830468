using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Reads a provider's type-specific keys for its factory. A problem is reported to the build's error list as
/// <c>`models.M.providers.P.key`: message</c>, never with the value, and a value of the wrong type reads as absent.
/// </summary>
/// <param name="path">The provider's TOML path, e.g. <c>models.M.providers.P</c>.</param>
/// <param name="errors">Where problems go, so that every problem of every provider is reported at once.</param>
public sealed class ProviderSettings(string path, ProviderSettingsTable table, ICollection<string> errors)
{
    private readonly HashSet<string> _problems = new(StringComparer.Ordinal);

    public string Path => path;

    /// <summary>The type-specific keys the provider's table sets.</summary>
    public IReadOnlyCollection<string> Keys => table.Keys;

    public bool Has(string key) => table.Has(key);

    /// <summary>Whether a problem was reported at <paramref name="key"/>, so a later check can leave it at one message.</summary>
    public bool HasProblem(string key) => _problems.Contains(key);

    public void Error(string key, string message)
    {
        _problems.Add(key);
        errors.Add($"`{path}.{key}`: {message}");
    }

    /// <summary>A problem of the provider as a whole (two keys that disagree, its environment), reported at its own path.</summary>
    public void Error(string message) => errors.Add($"`{path}`: {message}");

    /// <param name="typeProblem">The message when the value is not a string.</param>
    public string? String(string key, string typeProblem = "must be a string")
    {
        if (!table.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }
        if (value is string text)
        {
            return text;
        }
        Error(key, typeProblem);
        return null;
    }

    /// <param name="typeProblem">The message when the value is not a boolean.</param>
    public bool? Bool(string key, string typeProblem = "must be a boolean")
    {
        if (!table.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }
        if (value is bool flag)
        {
            return flag;
        }
        Error(key, typeProblem);
        return null;
    }

    /// <param name="typeProblem">The message when the value is not an integer.</param>
    public long? Integer(string key, string typeProblem = "must be an integer")
    {
        if (!table.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }
        if (value is long number)
        {
            return number;
        }
        Error(key, typeProblem);
        return null;
    }

    /// <summary>Any value as JSON (tables become objects, arrays arrays), e.g. <c>provider_tools</c>; null when absent.</summary>
    public JsonNode? Json(string key) => table.TryGetValue(key, out var value) ? TomlJson.ToJson(value) : null;
}
