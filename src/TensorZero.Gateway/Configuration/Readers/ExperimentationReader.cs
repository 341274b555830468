using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary><c>[functions.F.experimentation]</c> of type <c>static</c> (or <c>static_weights</c>) or <c>uniform</c>.</summary>
internal static class ExperimentationReader
{
    public static ExperimentationConfig? Read(TomlSection? section, IReadOnlyDictionary<string, VariantConfig> variants)
    {
        if (section is null)
        {
            return null;
        }
        var type = section.String("type", required: true);
        if (type is not ("static" or "static_weights" or "uniform"))
        {
            if (type is not null)
            {
                section.Error("type", $"experimentation type `{type}` is not supported by this gateway yet (supported: static, uniform)");
            }
            return null;
        }
        section.RejectUnknown(["type", "candidate_variants", "fallback_variants"]);
        var candidates = new Dictionary<string, double>(StringComparer.Ordinal);
        switch (section.Table.TryGetValue("candidate_variants", out var value) ? value : null)
        {
            case null when type == "uniform":
                foreach (var name in variants.Keys)
                {
                    candidates[name] = 1;
                }
                break;
            case TomlArray:
                foreach (var name in section.StringList("candidate_variants") ?? [])
                {
                    candidates[name] = 1;
                }
                break;
            case TomlTable:
                var weights = section.Section("candidate_variants")!;
                foreach (var name in weights.Table.Keys)
                {
                    var weight = weights.Number(name);
                    if (weight < 0)
                    {
                        weights.Error(name, "must not be negative");
                    }
                    candidates[name] = weight ?? 0;
                }
                break;
            default:
                section.Error("candidate_variants", "must be a list of variant names or a table of variant weights");
                break;
        }
        var fallbacks = section.StringList("fallback_variants") ?? [];
        foreach (var name in candidates.Keys.Concat(fallbacks).Where(n => !variants.ContainsKey(n)).Distinct())
        {
            section.Error($"names variant `{ConfigText.Name(name)}`, which this function does not define");
        }
        foreach (var variant in variants.Values.Where(v => v.Weight is not null))
        {
            section.Error($"can't be combined with the `weight` of variant `{variant.Name}`; give weights in `candidate_variants`");
        }
        return new ExperimentationConfig(candidates, fallbacks);
    }
}
