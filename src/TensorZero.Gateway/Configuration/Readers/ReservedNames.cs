namespace TensorZero.Gateway.Configuration;

/// <summary>Names of models, functions and tools can't start like a shorthand (<c>tensorzero::</c>, <c>openai::</c>, …).</summary>
internal static class ReservedNames
{
    public static void Check(IProviderTypeCatalog providers, string name, TomlSection section, string what)
    {
        if (name.StartsWith("tensorzero::", StringComparison.Ordinal) ||
            providers.Types.Any(type => name.StartsWith(type + "::", StringComparison.Ordinal)))
        {
            section.Error($"{what} name '{ConfigText.Name(name)}' contains a reserved prefix");
        }
    }
}
