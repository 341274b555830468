using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// TensorZero's older <c>model_provider_name</c> (on <c>unknown</c> blocks and <c>extra_body</c> items), one string
/// naming a model's provider: <c>tensorzero::model_name::{model}::provider_name::{provider}</c>.
/// </summary>
internal static class LegacyModelProviderName
{
    private const string ModelPrefix = "tensorzero::model_name::";
    private const string ProviderSeparator = "::provider_name::";

    /// <param name="path">The object holding the field, for the error message.</param>
    public static (string Model, string Provider) Parse(string name, string path)
    {
        if (!name.StartsWith(ModelPrefix, StringComparison.Ordinal))
        {
            throw GatewayError.InvalidRequest($"`{path}.model_provider_name`: Invalid legacy `model_provider_name` format (missing prefix): {name}");
        }
        var rest = name[ModelPrefix.Length..];
        var separator = rest.IndexOf(ProviderSeparator, StringComparison.Ordinal);
        return separator < 0
            ? throw GatewayError.InvalidRequest($"`{path}.model_provider_name`: Invalid legacy `model_provider_name` format (missing provider_name): {name}")
            : (rest[..separator], rest[(separator + ProviderSeparator.Length)..]);
    }

    /// <summary>TensorZero's error for a block or item that names its target both ways.</summary>
    public static GatewayError Conflict(string path) =>
        GatewayError.InvalidRequest($"`{path}`: Cannot specify both `model_provider_name` and `model_name`/`provider_name`");
}
