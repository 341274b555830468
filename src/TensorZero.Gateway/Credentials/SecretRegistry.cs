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

    private readonly Lock _gate = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
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
        _requestPatterns ??= _used is null && !_request.Values.Any()
            ? SecretPatterns.Empty
            : SecretPatterns.Build(_request.Values.Append(_used).OfType<Secret>().Select(s => s.Reveal()));
        // Two sets passed as a span: no array per call (every stored column is redacted).
        return SecretRedactor.Redact(text, _registry?.Patterns ?? SecretPatterns.Empty, _requestPatterns);
    }
}
