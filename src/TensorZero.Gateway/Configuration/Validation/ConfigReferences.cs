namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Names one table gives to entries of another, noted by the readers and checked by <see cref="CrossTableRules"/> once
/// every table is read. Each remembers how many errors had been found when it was read, so its errors are listed
/// there, beside the other problems of the same table, not at the end.
/// </summary>
internal sealed class ConfigReferences(IReadOnlyCollection<string> errors)
{
    private readonly List<ConfigReference> _all = [];

    /// <summary>Every reference, in the order read.</summary>
    public IReadOnlyList<ConfigReference> All => _all;

    /// <summary>A <c>[models.M]</c> or <c>[embedding_models.E]</c> table: its <c>routing</c> against its <c>providers</c>.</summary>
    public void Routing(TomlSection model, IReadOnlyList<string> routing, TomlSection? providers) =>
        _all.Add(new RoutingReference(errors.Count, model, routing, providers));

    /// <summary>A chat-completion variant's <c>model</c>.</summary>
    public void VariantModel(TomlSection variant, string model) => _all.Add(new ModelReference(errors.Count, variant, model));

    /// <summary>A function's <c>tools</c>.</summary>
    public void FunctionTools(TomlSection function, IReadOnlyList<string> tools) => _all.Add(new ToolsReference(errors.Count, function, tools));
}

/// <param name="Position">The number of errors found before this reference was read: where its own errors are listed.</param>
internal abstract record ConfigReference(int Position);

/// <param name="Model">The model's table; errors are reported at its <c>routing</c> and <c>providers.P</c>.</param>
/// <param name="Providers">Its <c>providers</c> table, or null when that is missing or not a table (already reported).</param>
internal sealed record RoutingReference(int Position, TomlSection Model, IReadOnlyList<string> Routing, TomlSection? Providers)
    : ConfigReference(Position);

/// <param name="Variant">The variant's table; errors are reported at its <c>model</c>.</param>
internal sealed record ModelReference(int Position, TomlSection Variant, string Model) : ConfigReference(Position);

/// <param name="Function">The function's table; errors are reported at its <c>tools</c>.</param>
internal sealed record ToolsReference(int Position, TomlSection Function, IReadOnlyList<string> Tools) : ConfigReference(Position);
