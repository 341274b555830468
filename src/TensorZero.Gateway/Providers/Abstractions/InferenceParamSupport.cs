using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.Abstractions;

/// <summary>
/// Which of <c>reasoning_effort</c>, <c>service_tier</c>, <c>thinking_budget_tokens</c> and <c>verbosity</c> a
/// provider sends. A request that sets one the provider can't send still runs, and the parameter is named in a warning,
/// as TensorZero does.
/// </summary>
/// <param name="ProviderName">The provider as TensorZero's warning names it, e.g. <c>AWS Bedrock</c>.</param>
/// <param name="ServiceTiers">The tiers it sends; empty: none.</param>
/// <param name="ReasoningEffortTip">Appended to the warning for an unsupported <c>reasoning_effort</c>.</param>
/// <param name="ThinkingTip">Appended to the warning for an unsupported <c>thinking_budget_tokens</c>.</param>
public sealed record InferenceParamSupport(
    string ProviderName,
    bool ReasoningEffort,
    IReadOnlyList<string> ServiceTiers,
    bool ThinkingBudgetTokens,
    bool Verbosity,
    string? ReasoningEffortTip = null,
    string? ThinkingTip = null)
{
    public const string UseReasoningEffort = "Tip: You might want to use `reasoning_effort` for this provider.";

    public const string UseThinking = "Tip: You might want to use `thinking` for this provider.";

    /// <summary>A provider that takes all four (or has no use for them, like the offline dummy): nothing to warn about.</summary>
    public static InferenceParamSupport All(string providerName) =>
        new(providerName, true, InferenceParams.ServiceTiers, true, true);

    /// <summary>A provider that sends none of the four.</summary>
    public static InferenceParamSupport None(string providerName) => new(providerName, false, [], false, false);

    /// <summary>The warning for each parameter <paramref name="p"/> sets that this provider drops; empty when none.</summary>
    public IEnumerable<string> Ignored(InferenceParams p)
    {
        if (p.ReasoningEffort is not null && !ReasoningEffort)
        {
            yield return Warning("reasoning_effort", ReasoningEffortTip);
        }
        if (p.ServiceTier is { } tier && !ServiceTiers.Contains(tier))
        {
            yield return Warning(ServiceTiers.Count == 0 ? "service_tier" : $"service_tier ({tier})", null);
        }
        if (p.ThinkingBudgetTokens is not null && !ThinkingBudgetTokens)
        {
            yield return Warning("thinking_budget_tokens", ThinkingTip);
        }
        if (p.Verbosity is not null && !Verbosity)
        {
            yield return Warning("verbosity", null);
        }
    }

    private string Warning(string parameter, string? tip) =>
        $"{ProviderName} does not support the inference parameter `{parameter}`, so it will be ignored." + (tip is null ? string.Empty : " " + tip);
}
