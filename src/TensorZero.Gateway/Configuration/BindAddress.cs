namespace TensorZero.Gateway.Configuration;

/// <summary>Where the gateway listens: <c>[gateway] bind_address</c> or <c>TENSORZERO_GATEWAY_BIND_ADDRESS</c> (not both), else 0.0.0.0:3000.</summary>
public static class BindAddress
{
    public const string Default = "0.0.0.0:3000";

    public static string Resolve(string? fromConfig, string? fromEnvironment)
    {
        if (!string.IsNullOrEmpty(fromConfig) && !string.IsNullOrEmpty(fromEnvironment))
        {
            throw new ConfigException(["`gateway.bind_address` and `TENSORZERO_GATEWAY_BIND_ADDRESS` are both set; use only one"]);
        }
        var address = !string.IsNullOrEmpty(fromConfig) ? fromConfig : !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : Default;
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(address.AsSpan(colon + 1), out _))
        {
            throw new ConfigException([$"bind address `{address}` must be `host:port`, e.g. `0.0.0.0:3000` or `[::]:3000`"]);
        }
        return address;
    }
}
