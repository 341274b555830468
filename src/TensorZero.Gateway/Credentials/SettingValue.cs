namespace TensorZero.Gateway.Credentials;

/// <summary>
/// A provider setting that is not a secret (a region, an endpoint URL), written as a literal, <c>env::VAR</c> or
/// <c>dynamic::KEY</c>: fixed at startup, or looked up in each request's <c>credentials</c> map.
/// </summary>
public abstract record SettingValue
{
    private SettingValue() { }

    /// <summary>A value known at startup: written in the config, or read from <see cref="Variable"/>.</summary>
    public sealed record Fixed(string Value, string? Variable = null) : SettingValue;

    /// <summary>A value from the request's <c>credentials</c> map.</summary>
    public sealed record Dynamic(string Key) : SettingValue
    {
        /// <summary>The request's value; false when the key is absent or its value blank. The value is the client's: check it before use.</summary>
        public bool TryResolve(RequestCredentials credentials, out string value)
        {
            // Not a secret sent in a header: it becomes part of a URL, checked by the caller and never echoed.
            value = credentials.TryGet(Key, out var secret) && secret is not null ? secret.Reveal() : string.Empty;
            return !string.IsNullOrWhiteSpace(value);
        }
    }
}
