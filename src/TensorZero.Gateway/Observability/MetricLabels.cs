using System.Collections.Frozen;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Turns names seen at run time into metric label values drawn from the config only, so no client-chosen string (an
/// unknown name, a shorthand model such as <c>openai::anything</c>) can ever create a new series. A shorthand model is
/// labelled <see cref="Shorthand"/>; its provider keeps its type name (a registered type, so a fixed set).
/// </summary>
public sealed class MetricLabels
{
    /// <summary>The label value of every model (and default-function variant) that isn't in <c>[models]</c>.</summary>
    public const string Shorthand = "tensorzero::shorthand";

    /// <summary>The label value of a name that the config doesn't have.</summary>
    public const string Other = "tensorzero::other";

    private readonly FrozenSet<string> _functions;
    private readonly FrozenSet<(string Function, string Variant)> _variants;
    private readonly FrozenSet<(string Model, string Provider)> _providers;
    private readonly FrozenSet<string> _models;
    private readonly FrozenSet<string> _providerTypes;

    public MetricLabels(GatewayConfig config, IEnumerable<string> providerTypes)
    {
        _functions = config.Functions.Keys.ToFrozenSet(StringComparer.Ordinal);
        _variants = config.Functions.SelectMany(f => f.Value.Variants.Keys.Select(v => (f.Key, v))).ToFrozenSet();
        _models = config.Models.Keys.ToFrozenSet(StringComparer.Ordinal);
        _providers = config.Models.SelectMany(m => m.Value.Providers.Keys.Select(p => (m.Key, p))).ToFrozenSet();
        _providerTypes = providerTypes.ToFrozenSet(StringComparer.Ordinal);
    }

    public string Function(string? name) =>
        name is null || name == Inference.InferenceService.DefaultFunctionName ? Inference.InferenceService.DefaultFunctionName
        : _functions.Contains(name) ? name
        : Other;

    /// <summary>A variant of a configured function; the default function's variant is named after its model.</summary>
    public string Variant(string? function, string variant) =>
        function is null || function == Inference.InferenceService.DefaultFunctionName ? Model(variant)
        : _variants.Contains((function, variant)) ? variant
        : Other;

    public string Model(string name) => _models.Contains(name) ? name : Shorthand;

    /// <summary>A provider of a configured model, or the provider type of a shorthand model.</summary>
    public string Provider(string model, string provider) =>
        _models.Contains(model) ? (_providers.Contains((model, provider)) ? provider : Other)
        : _providerTypes.Contains(provider) ? provider
        : Other;
}
