namespace TensorZero.Gateway.Configuration;

/// <summary>The <c>type</c> strings of <c>[functions.F.variants.V]</c>, as TensorZero spells them.</summary>
public static class VariantTypes
{
    public const string ChatCompletion = "chat_completion";

    public const string BestOfNSampling = "experimental_best_of_n_sampling";

    public const string MixtureOfN = "experimental_mixture_of_n";

    public const string ChainOfThought = "experimental_chain_of_thought";

    public const string DynamicInContextLearning = "experimental_dynamic_in_context_learning";

    public static readonly IReadOnlyList<string> All = [ChatCompletion, BestOfNSampling, MixtureOfN, DynamicInContextLearning, ChainOfThought];
}
