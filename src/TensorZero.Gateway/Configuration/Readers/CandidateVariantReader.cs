namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>experimental_best_of_n_sampling</c> and <c>experimental_mixture_of_n</c> variants: the <c>candidates</c> to run and
/// the <c>evaluator</c> that picks one of their answers, or the <c>fuser</c> that writes one answer from them. That the
/// candidates exist is checked with the whole function (<see cref="CandidateRules"/>).
/// </summary>
internal sealed class CandidateVariantReader(VariantReader variants)
{
    public VariantConfig? Read(string name, string type, TomlSection section, FunctionType? functionType)
    {
        var isBestOfN = type == VariantTypes.BestOfNSampling;
        var judgeKey = isBestOfN ? "evaluator" : "fuser";
        section.RejectUnknown(["type", "weight", "timeout_s", "candidates", judgeKey, "timeouts", "namespace"]);
        section.WarnIgnored("namespace");

        var weight = section.Number("weight");
        if (weight < 0)
        {
            section.Error("weight", "must not be negative");
        }
        var timeoutS = section.Number("timeout_s");
        if (timeoutS is { } seconds && seconds * 1000 < 1)
        {
            section.Error("timeout_s", "must be at least 0.001 (one millisecond)");
            timeoutS = null;
        }
        var candidates = section.StringList("candidates", required: true) ?? [];
        if (section.Has("candidates") && candidates.Count == 0)
        {
            section.Error("candidates", "must name at least one variant of this function");
        }
        var judgeSection = section.Section(judgeKey, required: true);
        var judge = judgeSection is null
            ? null
            : variants.Nested($"{name}.{judgeKey}", judgeSection, functionType, isBestOfN ? JsonModeRule.Optional : JsonModeRule.Fuser);
        return new VariantConfig(
            name,
            type,
            null,
            weight,
            InferenceParams.Empty,
            null,
            RetryConfig.None,
            CommonSettingsReader.Timeouts(section.Section("timeouts")),
            [],
            [])
        {
            Candidates = candidates,
            Evaluator = isBestOfN ? judge : null,
            Fuser = isBestOfN ? null : judge,
            TimeoutSeconds = timeoutS,
        };
    }
}
