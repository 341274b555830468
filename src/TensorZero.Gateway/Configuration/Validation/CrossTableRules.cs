namespace TensorZero.Gateway.Configuration;

/// <summary>
/// The rules that span tables: routing names a defined provider, a variant's model exists, a function's tools exist.
/// Each adds <c>`path`: message</c> errors at the table that holds the name.
/// </summary>
internal static class CrossTableRules
{
    /// <summary>
    /// Runs the rule of each reference. <paramref name="errors"/> is the list the references' tables report to; each
    /// rule's errors are moved to the reference's <see cref="ConfigReference.Position"/>.
    /// </summary>
    public static void Check(
        ConfigReferences references,
        List<string> errors,
        IReadOnlyDictionary<string, ModelConfig> models,
        IReadOnlyDictionary<string, ToolConfig> tools,
        IProviderTypeCatalog providers)
    {
        var moved = 0;
        foreach (var reference in references.All)
        {
            var start = errors.Count;
            switch (reference)
            {
                case RoutingReference routing:
                    RoutingMatchesProviders(routing);
                    break;
                case ModelReference model:
                    VariantModelExists(model, models, providers);
                    break;
                case ToolsReference functionTools:
                    FunctionToolsExist(functionTools, tools);
                    break;
            }
            var found = errors.GetRange(start, errors.Count - start);
            errors.RemoveRange(start, found.Count);
            errors.InsertRange(reference.Position + moved, found);
            moved += found.Count;
        }
    }

    /// <summary>A model's <c>routing</c> and <c>providers</c> agree: each routed provider exists, once, and each provider is routed.</summary>
    public static void RoutingMatchesProviders(RoutingReference reference)
    {
        var (_, section, routing, providers) = reference;
        if (section.Has("routing") && routing.Count == 0)
        {
            section.Error("routing", "must list at least one provider");
        }
        foreach (var duplicate in routing.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            section.Error("routing", $"lists provider `{ConfigText.Name(duplicate.Key)}` more than once");
        }
        if (providers is null)
        {
            return;
        }
        var defined = providers.Table;
        foreach (var entry in routing.Where(r => !defined.ContainsKey(r)))
        {
            section.Error("routing", $"names provider `{ConfigText.Name(entry)}`, which is not defined under `{section.Child("providers")}`");
        }
        foreach (var provider in defined.Keys.Where(p => !routing.Contains(p)))
        {
            section.Error($"providers.{ConfigText.KeyName(provider, defined.Keys)}", "is not listed in `routing`");
        }
    }

    /// <summary>A variant's <c>model</c> is defined under <c>[models]</c> or is a shorthand such as <c>openai::gpt-4o-mini</c>.</summary>
    public static void VariantModelExists(ModelReference reference, IReadOnlyDictionary<string, ModelConfig> models, IProviderTypeCatalog providers)
    {
        var (_, variant, model) = reference;
        if (!models.ContainsKey(model) && !providers.IsShorthand(model))
        {
            variant.Error("model", $"model `{model}` is not defined under `[models]` and is not a shorthand such as `openai::gpt-4o-mini`");
        }
    }

    /// <summary>Every tool a function offers is defined under <c>[tools]</c>.</summary>
    public static void FunctionToolsExist(ToolsReference reference, IReadOnlyDictionary<string, ToolConfig> tools)
    {
        var (_, function, names) = reference;
        foreach (var tool in names.Where(t => !tools.ContainsKey(t)))
        {
            function.Error("tools", $"names tool `{tool}`, which is not defined under `[tools]`");
        }
    }
}
