using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference.Functions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>Builds the strategy of each inference-time optimization variant, once at startup.</summary>
internal sealed class VariantStrategies(TimeProvider time, ILogger logger)
{
    /// <summary>A best-of-N variant with its evaluator, or a mixture-of-N variant with its fuser.</summary>
    public IVariantStrategy WithCandidates(VariantConfig variant, IReadOnlyList<VariantRuntime> candidates, VariantRuntime judge) =>
        variant.Type == VariantTypes.BestOfNSampling
            ? new BestOfNSampling(candidates, judge, time, logger)
            : new MixtureOfN(candidates, judge, time, logger);

    public IVariantStrategy ChainOfThought(FunctionConfig function) => new ChainOfThought(function.OutputSchema ?? JsonSchemaDocument.Any, time);
}
