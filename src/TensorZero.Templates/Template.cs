using System.Text.Json.Nodes;

namespace TensorZero.Templates;

/// <summary>
/// A prompt template in the Jinja2 dialect of MiniJinja, parsed once and rendered many times against a JSON
/// arguments object. Follows MiniJinja's defaults: no auto-escaping, no <c>trim_blocks</c> or <c>lstrip_blocks</c>,
/// and one trailing newline of the source is dropped. Instances are immutable and safe to share between threads.
/// </summary>
public sealed class Template
{
    private readonly Node[] _body;
    private readonly int[] _lineStarts;

    private Template(string name, UndefinedBehavior undefinedBehavior, Node[] body, int[] lineStarts)
    {
        Name = name;
        UndefinedBehavior = undefinedBehavior;
        _body = body;
        _lineStarts = lineStarts;
        Variables = VariableCollector.Collect(body);
    }

    public string Name { get; }

    public UndefinedBehavior UndefinedBehavior { get; }

    /// <summary>
    /// The top-level context variables the template reads (names it uses before binding them itself), in ordinal order:
    /// what MiniJinja calls its undeclared variables. Empty for a template that needs no arguments.
    /// </summary>
    public IReadOnlySet<string> Variables { get; }

    /// <summary>Parses <paramref name="source"/>; a syntax error is a <see cref="TemplateException"/> naming its line and column.</summary>
    public static Template Parse(string source, string name, UndefinedBehavior undefinedBehavior = UndefinedBehavior.Lenient)
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
        var body = Parser.Parse(tokens, SyntaxError);
        return new Template(name, undefinedBehavior, body, lineStarts);
    }

    /// <summary>Renders with <paramref name="context"/> as the variables; a failure is a <see cref="TemplateException"/>.</summary>
    public string Render(JsonObject? context)
    {
        var renderer = new Renderer(context, UndefinedBehavior == UndefinedBehavior.Strict);
        try
        {
            return renderer.Render(_body);
        }
        catch (TemplateRuntimeException e)
        {
            var (line, column) = Locate(_lineStarts, renderer.Position);
            throw new TemplateException(e.Message, Name, line, column);
        }
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
