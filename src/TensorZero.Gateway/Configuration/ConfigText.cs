namespace TensorZero.Gateway.Configuration;

/// <summary>
/// How config errors show what the user wrote, so a key pasted in the wrong place is never printed: a table or key
/// name only when it can't be a secret (otherwise by its position), and a URL without userinfo, query or fragment.
/// </summary>
public static class ConfigText
{
    private const int MaxShownNameLength = 64;
    private const int MaxMixedRun = 16;
    private const int MaxRun = 32;

    // Prefixes of common API keys and tokens (OpenAI, Anthropic, Google, AWS, GitHub, Slack, OAuth, JWT).
    private static readonly string[] KeyPrefixes = ["sk-", "sk_", "pk-", "rk-", "AIza", "AKIA", "ASIA", "ghp_", "gho_", "github_pat_", "xox", "ya29.", "eyJ"];

    /// <summary>
    /// Whether a name could be a pasted secret: a known key prefix, a control character, more than 64 characters, or a
    /// run of letters and digits that is longer than 16 and mixes both, or longer than 32 (keys are long random runs;
    /// names like <c>gpt-4o-mini-2024-07-18</c> are short words and numbers).
    /// </summary>
    public static bool LooksLikeSecret(string text)
    {
        if (text.Length > MaxShownNameLength || text.Any(char.IsControl) ||
            KeyPrefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal)))
        {
            return true;
        }
        var run = 0;
        bool letters = false, digits = false;
        foreach (var c in text.Append(' '))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                run++;
                letters |= char.IsAsciiLetter(c);
                digits |= char.IsAsciiDigit(c);
                continue;
            }
            if (run > MaxRun || (run > MaxMixedRun && letters && digits))
            {
                return true;
            }
            run = 0;
            letters = digits = false;
        }
        return false;
    }

    /// <summary>A user-written name as shown in a message: itself, or its position when it might be a secret.</summary>
    public static string Name(string name, int? position = null) =>
        !LooksLikeSecret(name) ? name
        : position is { } at ? $"<#{at}: name not shown, it looks like a key>"
        : "<name not shown, it looks like a key>";

    /// <summary>The name of key <paramref name="key"/> of a table, described by its position there if it might be a secret.</summary>
    public static string KeyName(string key, IEnumerable<string> keys)
    {
        if (!LooksLikeSecret(key))
        {
            return key;
        }
        var index = keys.Select((k, i) => (k, i)).FirstOrDefault(p => p.k == key, (k: key, i: -1)).i;
        return Name(key, index >= 0 ? index + 1 : null);
    }

    /// <summary>
    /// A URL as shown in a message: scheme, host, port and path only. Userinfo (<c>https://KEY@host</c>), query and
    /// fragment are dropped, and text that isn't a URL is shown only if it can't be a secret.
    /// </summary>
    public static string Url(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme >= 0 ? text[(scheme + 3)..] : text;
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd >= 0 ? rest[..authorityEnd] : rest;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            rest = rest[(at + 1)..];
        }
        var cut = rest.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            rest = rest[..cut] + "?…";
        }
        var shown = (scheme >= 0 ? text[..(scheme + 3)] : string.Empty) + rest;
        return LooksLikeSecret(shown.Replace("://", "/", StringComparison.Ordinal)) ? "(not shown, it looks like a key)" : shown;
    }
}
