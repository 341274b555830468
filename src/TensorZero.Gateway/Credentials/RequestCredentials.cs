namespace TensorZero.Gateway.Credentials;

/// <summary>What a lookup of a key or token in the request's <c>credentials</c> map found.</summary>
public enum CredentialLookup
{
    /// <summary>A value that can be sent.</summary>
    Found,

    /// <summary>The key is not in the map.</summary>
    Missing,

    /// <summary>The value is empty or only whitespace; it counts as absent, so a fallback applies.</summary>
    Empty,

    /// <summary>The value has characters an HTTP header can't carry (line breaks, controls, spaces, non-ASCII).</summary>
    NotSendable,
}

/// <summary>
/// The per-request <c>credentials</c> map. Values are secrets; only key names are ever rendered. Built once per request
/// and read a few times, so it is a plain dictionary (the parser's own, not a copy).
/// </summary>
public sealed class RequestCredentials
{
    public static readonly RequestCredentials Empty = new(new Dictionary<string, Secret>(StringComparer.Ordinal));

    private readonly Dictionary<string, Secret> _values;

    public RequestCredentials(IReadOnlyDictionary<string, Secret> values)
    {
        _values = values is Dictionary<string, Secret> own && own.Comparer == StringComparer.Ordinal
            ? own
            : new Dictionary<string, Secret>(values, StringComparer.Ordinal);
    }

    public int Count => _values.Count;

    /// <summary>The raw value, for settings that are not sent as a header (an endpoint URL, a region).</summary>
    public bool TryGet(string key, out Secret? secret) => _values.TryGetValue(key, out secret);

    /// <summary>A key or token that will be sent in an HTTP header: it must be non-empty visible ASCII.</summary>
    public CredentialLookup TryGetHeaderValue(string key, out Secret? secret)
    {
        if (!_values.TryGetValue(key, out secret))
        {
            return CredentialLookup.Missing;
        }
        var value = secret.Reveal();
        if (string.IsNullOrWhiteSpace(value))
        {
            secret = null;
            return CredentialLookup.Empty;
        }
        if (!HeaderValues.IsSendable(value))
        {
            secret = null;
            return CredentialLookup.NotSendable;
        }
        return CredentialLookup.Found;
    }

    /// <summary>Every name and value, for a keyed hash of the whole map (the inference cache's key).</summary>
    public IEnumerable<(string Name, Secret Value)> Entries() => _values.Select(p => (p.Key, p.Value));

    /// <summary>Every value, for redacting them from provider errors.</summary>
    public IEnumerable<Secret> Values => _values.Values;

    public override string ToString() => $"credentials({_values.Count} keys)";
}

/// <summary>What a key or token must look like to go into an HTTP header, and the messages (key names only) when it doesn't.</summary>
public static class HeaderValues
{
    /// <summary>Visible ASCII only (<c>!</c> to <c>~</c>): no space, tab, line break, control or non-ASCII character.</summary>
    public static bool IsSendable(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }
        return value.Length > 0;
    }

    public static string EmptyCredential(string key) => $"credential `{key}` is empty";

    public static string NotSendableCredential(string key) => $"credential `{key}` contains characters that can't be sent in an HTTP header";

    public const string NotSendableProblem = "contains characters that can't be sent in an HTTP header (a line break, a space or a non-ASCII character)";
}
