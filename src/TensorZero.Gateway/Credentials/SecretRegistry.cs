using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace TensorZero.Gateway.Credentials;

/// <summary>
/// Every key the gateway itself holds (read from the environment or a file at startup, or by a shorthand model's
/// default credential later), so that an error from any provider is redacted of all of them, not only of the key that
/// provider used. One per gateway; registering is rare and copies, reading is lock-free.
/// </summary>
public sealed class SecretRegistry
{
    // Fields of a JSON credentials file (a GCP service account) that hold secrets; the rest (emails, URLs) are public.
    private static readonly string[] SecretFieldHints = ["key", "secret", "token", "password"];

    // ...but not their addresses (`token_uri`).
    private static readonly string[] PublicFieldHints = ["uri", "url"];

    // Request keys' patterns by the keys themselves: a dynamic key comes back request after request, and building its
    // patterns (every run of it and of its base64 forms, sorted) is most of redacting a request's rows. Bounded, and
    // emptied when full, so a client sending new keys costs what it would without the cache.
    private const int MaxRequestPatterns = 256;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(bool Several, string Text), SecretPatterns> _requestPatterns = new();
    private SecretPatterns _patterns = SecretPatterns.Empty;

    /// <summary>The patterns of every registered secret.</summary>
    public SecretPatterns Patterns => Volatile.Read(ref _patterns);

    /// <summary>Adds a gateway-held secret and returns it. A JSON credentials file adds its secret fields instead of the whole file.</summary>
    public Secret Register(Secret secret)
    {
        var values = SecretValues(secret.Reveal()).ToList();
        lock (_gate)
        {
            var added = false;
            foreach (var value in values)
            {
                added |= _values.Add(value);
            }
            if (added)
            {
                Volatile.Write(ref _patterns, SecretPatterns.Build(_values));
            }
        }
        return secret;
    }

    /// <summary>The secrets in play for one provider call: these, the request's credentials and the key the call used.</summary>
    public SecretScope Scope(RequestCredentials request, Secret? used = null) => new(this, request, used);

    /// <summary>Request keys whose patterns are kept for the next request with the same keys.</summary>
    internal int CachedRequestPatterns => _requestPatterns.Count;

    /// <summary>The patterns of a request's credentials and the key a call used; the same keys find the same patterns.</summary>
    internal SecretPatterns RequestPatterns(RequestCredentials request, Secret? used)
    {
        if (CacheKey(request, used) is not { } key)
        {
            return SecretPatterns.Empty;
        }
        if (_requestPatterns.TryGetValue(key, out var patterns))
        {
            return patterns;
        }
        var values = SecretScope.Values(request, used).ToList();
        // A key the registry holds (a static key, as the call's used key) is already in Patterns, and stays there:
        // nothing is ever unregistered. A scope of such keys needs no second pass over each text.
        patterns = AllRegistered(values) ? SecretPatterns.Empty : SecretPatterns.Build(values);
        if (_requestPatterns.Count >= MaxRequestPatterns)
        {
            _requestPatterns.Clear();
        }
        _requestPatterns[key] = patterns;
        return patterns;
    }

    private bool AllRegistered(List<string> values)
    {
        lock (_gate)
        {
            return values.TrueForAll(_values.Contains);
        }
    }

    // One key: the key itself (no allocation). Several: each prefixed by its length, so no two sets share a text; and
    // apart from single keys, which may hold any text.
    private static (bool Several, string Text)? CacheKey(RequestCredentials request, Secret? used)
    {
        var count = request.Count + (used is null ? 0 : 1);
        if (count == 0)
        {
            return null;
        }
        if (count == 1)
        {
            return (false, (used ?? request.Values.First()).Reveal());
        }
        var key = new StringBuilder();
        foreach (var value in SecretScope.Values(request, used))
        {
            key.Append(value.Length).Append(':').Append(value);
        }
        return (true, key.ToString());
    }

    private static IEnumerable<string> SecretValues(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.StartsWith('{'))
        {
            return [value];
        }
        try
        {
            using var document = JsonDocument.Parse(trimmed);
            var found = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String &&
                    SecretFieldHints.Any(h => property.Name.Contains(h, StringComparison.OrdinalIgnoreCase)) &&
                    !PublicFieldHints.Any(h => property.Name.Contains(h, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(property.Value.GetString()!);
                }
            }
            return found;
        }
        catch (JsonException)
        {
            return [value];
        }
    }
}

/// <summary>
/// The secrets in play for one provider call: every gateway-held key, every value of the request's <c>credentials</c>
/// map and the key the call used. Free to create; the request's patterns are only built when an error is redacted.
/// </summary>
public sealed class SecretScope
{
    /// <summary>No secrets (for tests and for text that never came from a provider).</summary>
    public static readonly SecretScope None = new(null, RequestCredentials.Empty, null);

    private readonly SecretRegistry? _registry;
    private readonly RequestCredentials _request;
    private readonly Secret? _used;
    private SecretPatterns? _requestPatterns;

    internal SecretScope(SecretRegistry? registry, RequestCredentials request, Secret? used)
    {
        _registry = registry;
        _request = request;
        _used = used;
    }

    /// <summary>The request's credentials, for the provider call this scope belongs to.</summary>
    public RequestCredentials Request => _request;

    /// <summary>The same scope, plus the key a call ended up using (known only after signing, for Bedrock).</summary>
    public SecretScope With(Secret? used) => used is null || ReferenceEquals(used, _used) ? this : new SecretScope(_registry, _request, used);

    /// <summary>The text with every run of every secret in play masked.</summary>
    public string Redact(string text)
    {
        _requestPatterns ??= _registry?.RequestPatterns(_request, _used) ?? SecretPatterns.Build(Values(_request, _used));
        // Two sets passed as a span: no array per call (every stored column is redacted).
        return SecretRedactor.Redact(text, _registry?.Patterns ?? SecretPatterns.Empty, _requestPatterns);
    }

    /// <summary>The request's credential values and the key the call used.</summary>
    internal static IEnumerable<string> Values(RequestCredentials request, Secret? used) =>
        request.Values.Append(used).OfType<Secret>().Select(s => s.Reveal());
}
