using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Credentials;

/// <summary>
/// Resolves a provider's settings besides its credential field, at startup, from the environment the credential
/// factory reads and with the location forms it parses: non-secret values (a region, an endpoint URL) and further
/// secrets (AWS IAM keys, Bedrock's bearer-token variable). Providers never read the environment themselves.
/// </summary>
public sealed class SettingResolver(IEnvironmentVariables environment, SecretRegistry secrets)
{
    /// <summary>The forms a non-secret setting accepts, as named in messages.</summary>
    public const string Forms = "use a literal value, `env::` or `dynamic::`";

    /// <summary>
    /// A non-secret setting written as a literal, <c>env::VAR</c> (read now) or <c>dynamic::KEY</c>. Problems name the
    /// variable or form, never a value, and are appended to <paramref name="problems"/> without a TOML path.
    /// </summary>
    public SettingValue? Resolve(string text, ICollection<string> problems)
    {
        if (!CredentialLocation.TryParseSetting(text, Forms, out var location, out var error))
        {
            problems.Add(error!);
            return null;
        }
        switch (location)
        {
            case null:
                return new SettingValue.Fixed(text);
            case CredentialLocation.Env env:
                if (Variable(env.Variable) is { } value)
                {
                    return new SettingValue.Fixed(value, env.Variable);
                }
                problems.Add($"environment variable `{env.Variable}` is missing");
                return null;
            case CredentialLocation.Dynamic dynamic:
                return new SettingValue.Dynamic(dynamic.Key);
            case CredentialLocation.FilePath or CredentialLocation.PathFromEnv:
                problems.Add($"`path::` and `path_from_env::` are not supported here by this gateway ({Forms})");
                return null;
            default:
                problems.Add($"`{location.FormName}` can't be used here ({Forms})");
                return null;
        }
    }

    /// <summary>
    /// A secret held in an environment variable, read now: <see cref="CredentialLookup.Found"/> (and registered for
    /// redaction), <see cref="CredentialLookup.Missing"/> (unset or blank) or <see cref="CredentialLookup.NotSendable"/>
    /// (a value an HTTP header can't carry, which would fail every request later).
    /// </summary>
    public CredentialLookup ReadSecret(string variable, out Secret? secret)
    {
        secret = null;
        if (Variable(variable) is not { } value)
        {
            return CredentialLookup.Missing;
        }
        if (!HeaderValues.IsSendable(value))
        {
            return CredentialLookup.NotSendable;
        }
        secret = secrets.Register(new Secret(value));
        return CredentialLookup.Found;
    }

    /// <summary>A variable that is not a secret (the path of a credentials file); empty or whitespace-only counts as unset.</summary>
    internal string? Variable(string name)
    {
        var value = environment.Get(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
