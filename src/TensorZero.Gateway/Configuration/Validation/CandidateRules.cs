namespace TensorZero.Gateway.Configuration;

/// <summary>
/// The rules of a function's best-of-N and mixture-of-N variants, checked once all its variants are read: every
/// candidate is a variant of the function, no variant is (through others) its own candidate, and the deprecated
/// <c>timeout_s</c> becomes its candidates' <c>timeouts</c>, as TensorZero applies it.
/// </summary>
internal static class CandidateRules
{
    /// <param name="section">The function's <c>variants</c> table; errors are reported under it.</param>
    /// <param name="variants">The variants read from it; candidates given a <c>timeout_s</c> are replaced in place.</param>
    public static void Apply(TomlSection section, Dictionary<string, VariantConfig> variants)
    {
        var withCandidates = variants.Values.Where(v => v.Candidates.Count > 0).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        foreach (var variant in withCandidates)
        {
            for (var i = 0; i < variant.Candidates.Count; i++)
            {
                var candidate = variant.Candidates[i];
                if (!section.Has(candidate))
                {
                    section.Error($"{variant.Name}.candidates[{i}]", $"names variant `{ConfigText.Name(candidate)}`, which this function does not define");
                }
            }
            if (PathBack(variant.Name, variant, variants) is { } cycle)
            {
                section.Error($"{variant.Name}.candidates",
                    $"leads back to `{variant.Name}` ({string.Join(" → ", cycle)}): a variant can't be its own candidate");
            }
        }
        foreach (var variant in withCandidates.Where(v => v.TimeoutSeconds is not null))
        {
            ApplyTimeoutS(section, variant, variants);
        }
    }

    // The chain of candidates from `start` back to itself, if there is one.
    private static List<string>? PathBack(string start, VariantConfig from, Dictionary<string, VariantConfig> variants)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string> { start };
        return Walk(from) ? path : null;

        bool Walk(VariantConfig current)
        {
            foreach (var name in current.Candidates.Distinct())
            {
                path.Add(name);
                if (name == start || (visited.Add(name) && variants.TryGetValue(name, out var next) && Walk(next)))
                {
                    return true;
                }
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
    }

    // TensorZero's reading of the deprecated key: each candidate gets it as its whole non-streaming time and its time to
    // first chunk, and a candidate that already has `timeouts` is a conflict.
    private static void ApplyTimeoutS(TomlSection section, VariantConfig variant, Dictionary<string, VariantConfig> variants)
    {
        var milliseconds = (long)(variant.TimeoutSeconds!.Value * 1000);
        section.Warn($"{variant.Name}.timeout_s",
            $"is deprecated: set `timeouts` on the candidate variants instead; each candidate gets `non_streaming.total_ms` and `streaming.ttft_ms` = {milliseconds}");
        foreach (var name in variant.Candidates.Distinct())
        {
            if (!variants.TryGetValue(name, out var candidate))
            {
                continue;
            }
            if (candidate.Timeouts is not null)
            {
                section.Error($"{variant.Name}.timeout_s",
                    $"can't be used when candidate `{name}` already has `timeouts` configured; remove `timeout_s` and configure timeouts on the candidate");
                continue;
            }
            variants[name] = candidate with { Timeouts = new TimeoutsConfig(milliseconds, milliseconds, null) };
        }
    }
}
