using System.Text.Json.Nodes;

namespace TensorZero.Templates;

/// <summary>
/// A prompt template in the Jinja2 dialect of MiniJinja, parsed once and rendered many times against a JSON
/// arguments object. Follows MiniJinja's defaults: no auto-escaping, no <c>trim_blocks</c> or <c>lstrip_blocks</c>,
/// and one trailing newline of the source is dropped. A template made by <see cref="TemplateEnvironment"/> can
/// include, import and extend the environment's other templates; one made by <see cref="Parse(string, string, UndefinedBehavior)"/> stands alone.
/// Instances are immutable and safe to share between threads.
/// </summary>
public sealed class Template
{
    private readonly int[] _lineStarts;

    private Template(
        string name,
        UndefinedBehavior undefinedBehavior,
        Node[] body,
        IReadOnlyDictionary<string, BlockNode> blocks,
        int[] lineStarts,
        TemplateEnvironment? environment)
    {
        Name = name;
        UndefinedBehavior = undefinedBehavior;
        Body = body;
        Blocks = blocks;
        Environment = environment;
        _lineStarts = lineStarts;
        Variables = VariableCollector.Collect(body);
        LoadStatements = ReferenceCollector.Collect(body, name, position => Locate(lineStarts, position));
        References = LoadStatements.Select(statement => statement.Reference).ToArray();
    }

    public string Name { get; }

    public UndefinedBehavior UndefinedBehavior { get; }

    /// <summary>
    /// The top-level context variables the template reads (names it uses before binding them itself), in ordinal order:
    /// what MiniJinja calls its undeclared variables. Empty for a template that needs no arguments. As in MiniJinja,
    /// only this template's own source counts, not the templates it includes, imports or extends.
    /// </summary>
    public IReadOnlySet<string> Variables { get; }

    /// <summary>
    /// The <c>include</c>, <c>import</c>, <c>from</c> and <c>extends</c> statements of this template, in source order.
    /// <see cref="TemplateEnvironment.FindDependencies"/> follows them through an environment.
    /// </summary>
    public IReadOnlyList<TemplateReference> References { get; }

    internal Node[] Body { get; }

    internal IReadOnlyDictionary<string, BlockNode> Blocks { get; }

    internal TemplateEnvironment? Environment { get; }

    internal LoadStatement[] LoadStatements { get; }

    /// <summary>Parses <paramref name="source"/>; a syntax error is a <see cref="TemplateException"/> naming its line and column.</summary>
    public static Template Parse(string source, string name, UndefinedBehavior undefinedBehavior = UndefinedBehavior.Lenient) =>
        Parse(source, name, undefinedBehavior, environment: null);

    internal static Template Parse(string source, string name, UndefinedBehavior undefinedBehavior, TemplateEnvironment? environment)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        if (source.EndsWith('\n'))
        {
            source = source.EndsWith("\r\n", StringComparison.Ordinal) ? source[..^2] : source[..^1];
        }
        var lineStarts = LineStarts(source);
        TemplateException SyntaxError(int position, string message)
        {
            var (line, column) = Locate(lineStarts, position);
            return new TemplateException($"syntax error: {message}", name, line, column);
        }
        var tokens = Lexer.Tokenize(source, SyntaxError);
        var (body, blocks) = Parser.Parse(tokens, SyntaxError);
        return new Template(name, undefinedBehavior, body, blocks, lineStarts, environment);
    }

    /// <summary>
    /// Renders with <paramref name="context"/> as the variables; a failure is a <see cref="TemplateException"/>. The
    /// templates it includes, imports or extends are looked up in its environment when it has one.
    /// </summary>
    public string Render(JsonObject? context) => new Renderer(this, context).Render();

    /// <summary>A render failure at <paramref name="position"/> of this template.</summary>
    internal TemplateException RuntimeError(TemplateRuntimeException error, int position)
    {
        var (line, column) = Locate(_lineStarts, position);
        return new TemplateException(error.Message, Name, line, column, error.MissingTemplates);
    }

    private static int[] LineStarts(string source)
    {
        var starts = new List<int> { 0 };
        for (var i = source.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = source.IndexOf('\n', i + 1))
        {
            starts.Add(i + 1);
        }
        return [.. starts];
    }

    private static (int Line, int Column) Locate(int[] lineStarts, int position)
    {
        var index = Array.BinarySearch(lineStarts, position);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, position - lineStarts[line] + 1);
    }
}
