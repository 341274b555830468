namespace TensorZero.Templates;

/// <summary>The definitions of one block name in a template run, the most derived first; <see cref="Depth"/> moves up with <c>super()</c>.</summary>
internal sealed class BlockStack(string name, BlockNode node, Template owner)
{
    public string Name => name;

    public List<(BlockNode Node, Template Owner)> Layers { get; } = [(node, owner)];

    public int Depth { get; set; }
}

/// <summary>
/// One template being run (the root, or one included or imported), with the parents it extends. Its tables are made
/// on first use, so a template without blocks or <c>extends</c> allocates none.
/// </summary>
internal sealed class TemplateRun(Template template)
{
    private Dictionary<string, BlockStack>? _blocks;
    private HashSet<string>? _inheritance;

    public Dictionary<string, BlockStack> Blocks =>
        _blocks ??= template.Blocks.ToDictionary(entry => entry.Key, entry => new BlockStack(entry.Key, entry.Value, template), StringComparer.Ordinal);

    /// <summary>Names of this template and of the parents loaded so far, to stop a cycle of <c>extends</c>.</summary>
    public HashSet<string> Inheritance => _inheritance ??= new(StringComparer.Ordinal) { template.Name };

    /// <summary>The parent named by an <c>extends</c> that ran; it renders once the current template's nodes are done.</summary>
    public Template? Parent { get; set; }
}
