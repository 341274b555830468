using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Inference.Functions;

/// <summary>A function ready to serve: its config and a runtime for each of its variants.</summary>
public sealed class FunctionRuntime(FunctionConfig config, IReadOnlyDictionary<string, VariantRuntime> variants)
{
    public FunctionConfig Config => config;

    public string Name => config.Name;

    public FunctionType Type => config.Type;

    public IReadOnlyDictionary<string, VariantRuntime> Variants => variants;
}
