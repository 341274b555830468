namespace TensorZero.Gateway.Configuration;

/// <summary>The config can't be used. <see cref="Errors"/> lists every problem, each naming its TOML path.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:\n" + string.Join('\n', errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
