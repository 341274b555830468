using System.Text.Json;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store.Cache;

/// <summary>What a request lets the inference cache do (<c>cache_options.enabled</c>), TensorZero's values.</summary>
public enum CacheMode
{
    Off,
    On,
    ReadOnly,
    WriteOnly,
}

/// <summary>
/// A request's <c>cache_options</c>: whether model calls may be answered from the cache and/or stored in it, and how
/// old an entry may be (<c>max_age_s</c>; any age when null). TensorZero's default is <c>off</c>.
/// </summary>
public sealed record CacheOptions(CacheMode Enabled, uint? MaxAgeS = null)
{
    public static readonly CacheOptions Off = new(CacheMode.Off);

    public bool Reads => Enabled is CacheMode.On or CacheMode.ReadOnly;

    public bool Writes => Enabled is CacheMode.On or CacheMode.WriteOnly;

    /// <summary>As TensorZero: a <c>dryrun</c> request reads the cache but never writes it (<c>on</c> becomes <c>read_only</c>, <c>write_only</c> becomes <c>off</c>).</summary>
    public CacheOptions ForDryrun(bool dryrun) => !dryrun ? this : Enabled switch
    {
        CacheMode.On => this with { Enabled = CacheMode.ReadOnly },
        CacheMode.WriteOnly => this with { Enabled = CacheMode.Off },
        _ => this,
    };

    /// <summary>The values of <c>enabled</c>, as a request spells them.</summary>
    public static string ModeName(CacheMode mode) => mode switch
    {
        CacheMode.On => "on",
        CacheMode.ReadOnly => "read_only",
        CacheMode.WriteOnly => "write_only",
        _ => "off",
    };

    /// <summary>
    /// Reads <paramref name="field"/> (<c>cache_options</c> or <c>tensorzero::cache_options</c>): absent or null is
    /// <see cref="Off"/>. Every rejection is a 400 naming the field.
    /// </summary>
    public static CacheOptions Parse(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Off;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw GatewayError.InvalidRequest($"`{field}`: must be an object with `enabled` and `max_age_s`");
        }
        var mode = CacheMode.Off;
        uint? maxAge = null;
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "enabled":
                    mode = ParseMode(property.Value, $"{field}.enabled");
                    break;
                case "max_age_s":
                    maxAge = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.Number when property.Value.TryGetUInt32(out var seconds) => seconds,
                        _ => throw GatewayError.InvalidRequest($"`{field}.max_age_s`: must be a whole number of seconds from 0 to {uint.MaxValue}, or null"),
                    };
                    break;
                default:
                    throw GatewayError.InvalidRequest($"`{field}.{property.Name}`: unknown field (expected `enabled`, `max_age_s`)");
            }
        }
        return new CacheOptions(mode, maxAge);
    }

    private static CacheMode ParseMode(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return CacheMode.Off;
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return text switch
        {
            "on" => CacheMode.On,
            "off" => CacheMode.Off,
            "read_only" => CacheMode.ReadOnly,
            "write_only" => CacheMode.WriteOnly,
            _ => throw GatewayError.InvalidRequest(
                $"`{path}`: must be one of `on`, `off`, `read_only`, `write_only`" + (text is null ? string.Empty : $" (got `{Truncate(text)}`)")),
        };
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
