namespace TensorZero.Gateway.Credentials;

/// <summary>
/// A secret value (API key, token, key file contents). Every textual rendering is <c>[REDACTED]</c>;
/// only <see cref="Reveal"/> returns the value, and only code that puts it on the wire calls it.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    public const string Redacted = "[REDACTED]";

    private readonly string _value;

    public Secret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    public string Reveal() => _value;

    public override string ToString() => Redacted;

    public bool Equals(Secret? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Secret other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);
}
