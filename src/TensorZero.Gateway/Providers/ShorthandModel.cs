using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>Model names such as <c>openai::gpt-4o-mini</c>: a provider type that allows shorthand, then its model name.</summary>
public static class ShorthandModel
{
    public static bool TryParse(string name, out ProviderTypeInfo? type, out string modelName)
    {
        type = null;
        modelName = string.Empty;
        var separator = name.IndexOf("::", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }
        var info = ProviderTypes.Find(name[..separator]);
        var rest = name[(separator + 2)..];
        if (info is null || !info.SupportsShorthand || rest.Length == 0)
        {
            return false;
        }
        type = info;
        modelName = rest;
        return true;
    }

    public static bool IsValid(string name) => TryParse(name, out _, out _);
}
