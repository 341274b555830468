namespace TensorZero.Gateway.Configuration;

/// <summary>Where a credential comes from, parsed from a location string such as <c>env::OPENAI_API_KEY</c>.</summary>
public abstract record CredentialLocation
{
    public const string ValidForms =
        "use `env::VAR_NAME`, `dynamic::KEY_NAME`, `path::FILE_PATH`, `path_from_env::VAR_NAME`, `sdk` or `none`";

    private CredentialLocation() { }

    /// <summary>The value of an environment variable, read once at startup.</summary>
    public sealed record Env(string Variable) : CredentialLocation
    {
        public override string ToString() => $"env::{Variable}";
    }

    /// <summary>An environment variable that holds the path of a file whose contents are the secret.</summary>
    public sealed record PathFromEnv(string Variable) : CredentialLocation
    {
        public override string ToString() => $"path_from_env::{Variable}";
    }

    /// <summary>A file whose contents are the secret, read once at startup.</summary>
    public sealed record FilePath(string Path) : CredentialLocation
    {
        public override string ToString() => $"path::{Path}";
    }

    /// <summary>A key looked up on every request in the body's <c>credentials</c> map.</summary>
    public sealed record Dynamic(string Key) : CredentialLocation
    {
        public override string ToString() => $"dynamic::{Key}";
    }

    /// <summary>The provider's SDK discovers credentials (GCP, AWS).</summary>
    public sealed record Sdk : CredentialLocation
    {
        public override string ToString() => "sdk";
    }

    /// <summary>No credential: no auth header is sent.</summary>
    public sealed record None : CredentialLocation
    {
        public override string ToString() => "none";
    }

    /// <summary>The kind name used in messages about which forms a provider accepts.</summary>
    public string FormName => this switch
    {
        Env => "env::",
        PathFromEnv => "path_from_env::",
        FilePath => "path::",
        Dynamic => "dynamic::",
        Sdk => "sdk",
        _ => "none",
    };

    /// <summary>Parses a location string. The error never repeats the input, since a misplaced literal key must not be echoed.</summary>
    public static bool TryParse(string text, out CredentialLocation? location, out string? error)
    {
        error = null;
        location = Match(text, out var name);
        if (location is not null)
        {
            if (name.Length == 0 && location is not (Sdk or None))
            {
                error = $"invalid credential location: the name after `{location.FormName}` is empty ({ValidForms})";
                location = null;
                return false;
            }
            // `env::sk-...`: a key written where a variable's or key's name belongs; the name is echoed by later errors.
            if (location is Env or PathFromEnv or Dynamic && ConfigText.LooksLikeSecret(name))
            {
                error = $"invalid credential location: what follows `{location.FormName}` looks like a key, not a name (the value is not shown; {ValidForms}; keys can't be written into the config)";
                location = null;
                return false;
            }
            return true;
        }

        error = $"invalid credential location: {ShapeProblem(text)} (the value is not shown, since it may be a secret; {ValidForms}; keys can't be written into the config)";
        return false;
    }

    /// <summary>
    /// Parses a setting that is not a secret (a region, an endpoint URL): a value written with a location form
    /// (<c>env::</c>, <c>dynamic::</c>, …) is that location, anything else is a literal value (<paramref name="location"/>
    /// null). Fails only on a form with an empty name.
    /// </summary>
    /// <param name="validForms">The forms the setting accepts, for the message.</param>
    public static bool TryParseSetting(string text, string validForms, out CredentialLocation? location, out string? error)
    {
        error = null;
        location = Match(text, out var name);
        if (location is not null && name.Length == 0 && location is not (Sdk or None))
        {
            error = $"the name after `{location.FormName}` is empty ({validForms})";
            location = null;
            return false;
        }
        return true;
    }

    // The location a text names by its exact prefix, or null; the name after the prefix is in `name`.
    private static CredentialLocation? Match(string text, out string name)
    {
        if (TryPrefix(text, "env::", out name))
        {
            return new Env(name);
        }
        if (TryPrefix(text, "path_from_env::", out name))
        {
            return new PathFromEnv(name);
        }
        if (TryPrefix(text, "dynamic::", out name))
        {
            return new Dynamic(name);
        }
        if (TryPrefix(text, "path::", out name))
        {
            return new FilePath(name);
        }
        return text switch
        {
            "sdk" => new Sdk(),
            "none" => new None(),
            _ => null,
        };
    }

    // What is wrong with the value's shape, named by its known prefix only: the rest may be a key.
    private static string ShapeProblem(string text)
    {
        string[] prefixes = ["env", "path_from_env", "dynamic", "path", "sdk", "none"];
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var head = colon < 0 ? text : text[..colon];
        var prefix = prefixes.FirstOrDefault(p => string.Equals(p, head, StringComparison.OrdinalIgnoreCase));
        if (prefix is null)
        {
            return "it doesn't start with a known prefix";
        }
        if (!string.Equals(prefix, head, StringComparison.Ordinal))
        {
            return $"the prefix `{prefix}` must be written in lowercase";
        }
        if (prefix is "sdk" or "none")
        {
            return $"`{prefix}` takes no name";
        }
        return $"`{prefix}:` needs two colons, as in `{prefix}::NAME`";
    }

    private static bool TryPrefix(string text, string prefix, out string rest)
    {
        if (text.StartsWith(prefix, StringComparison.Ordinal))
        {
            rest = text[prefix.Length..];
            return true;
        }
        rest = string.Empty;
        return false;
    }

}

/// <summary>A credential location as written in the config: one location, or a default with a fallback.</summary>
public sealed record CredentialSpec(CredentialLocation Default, CredentialLocation? Fallback = null)
{
    public override string ToString() =>
        Fallback is null ? Default.ToString() : $"{{ default = \"{Default}\", fallback = \"{Fallback}\" }}";
}
