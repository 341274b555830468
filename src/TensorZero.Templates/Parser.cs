namespace TensorZero.Templates;

/// <summary>Builds the node tree of a template from its tokens; statements here, expressions in the other part.</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> Unsupported = ["with", "filter", "call", "autoescape", "do"];

    private readonly List<Token> _tokens;
    private readonly Func<int, string, TemplateException> _error;

    /// <summary>The end tag each open block waits for, innermost last, to explain a misplaced end tag.</summary>
    private readonly Stack<string> _expectedEnds = new();

    /// <summary>Every <c>{% block %}</c> of the template, nested ones included, by name.</summary>
    private readonly Dictionary<string, BlockNode> _blocks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blockNames = new(StringComparer.Ordinal);
    private int _index;
    private int _macroDepth;

    private Parser(List<Token> tokens, Func<int, string, TemplateException> error)
    {
        _tokens = tokens;
        _error = error;
    }

    private Token Current => _tokens[_index];

    public static (Node[] Body, IReadOnlyDictionary<string, BlockNode> Blocks) Parse(List<Token> tokens, Func<int, string, TemplateException> error)
    {
        var parser = new Parser(tokens, error);
        var body = parser.ParseBody([], "", 0, out _);
        return (body, parser._blocks);
    }

    /// <summary>Parses nodes up to a block tag named in <paramref name="endTags"/> (consuming the tag's name) or the end.</summary>
    private Node[] ParseBody(string[] endTags, string openTag, int openPosition, out string endedBy)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Text, token.Position));
                    _index++;
                    break;
                case TokenKind.VariableStart:
                    _index++;
                    var expr = ParseExpression();
                    Expect(TokenKind.VariableEnd, "`}}`");
                    nodes.Add(new OutputNode(expr, expr.Position));
                    break;
                case TokenKind.BlockStart:
                    var name = _tokens[_index + 1];
                    if (name.Kind != TokenKind.Name)
                    {
                        throw _error(name.Position, $"unexpected {Describe(name)}, expected a statement such as `if` or `for`");
                    }
                    _index += 2;
                    if (endTags.Contains(name.Text))
                    {
                        endedBy = name.Text;
                        return [.. nodes];
                    }
                    if (endTags.Length > 0)
                    {
                        _expectedEnds.Push(endTags[^1]);
                    }
                    try
                    {
                        nodes.Add(ParseStatement(name));
                    }
                    finally
                    {
                        if (endTags.Length > 0)
                        {
                            _expectedEnds.Pop();
                        }
                    }
                    break;
                default:
                    if (endTags.Length > 0)
                    {
                        throw _error(openPosition, $"unclosed `{{% {openTag} %}}` block: expected `{{% {endTags[^1]} %}}` before the end of the template");
                    }
                    endedBy = "";
                    return [.. nodes];
            }
        }
    }

    private Node ParseStatement(Token name)
    {
        switch (name.Text)
        {
            case "if":
                return ParseIf(name.Position);
            case "for":
                return ParseFor(name.Position);
            case "set":
                return ParseSet(name.Position);
            case "macro":
                return ParseMacro(name.Position);
            case "break" or "continue":
                ExpectBlockEnd();
                return new LoopControlNode(name.Text == "break", name.Position);
            case "include":
                return ParseInclude(name.Position);
            case "import":
                return ParseImport(name.Position);
            case "from":
                return ParseFromImport(name.Position);
            case "extends":
                return ParseExtends(name.Position);
            case "block":
                return ParseBlock(name.Position);
            case "elif" or "else" or "endif" or "endfor" or "endset" or "endmacro" or "endblock" or "endraw":
                throw _error(name.Position, _expectedEnds.TryPeek(out var expected)
                    ? $"unexpected `{{% {name.Text} %}}`, expected `{{% {expected} %}}`"
                    : $"unexpected `{{% {name.Text} %}}` without a matching opening block");
            default:
                if (Unsupported.Contains(name.Text))
                {
                    throw _error(name.Position, $"`{{% {name.Text} %}}` is not supported by the gateway's template engine");
                }
                throw _error(name.Position, $"unknown statement `{name.Text}`");
        }
    }

    private IfNode ParseIf(int position)
    {
        var branches = new List<IfBranch>();
        var condition = ParseExpression();
        ExpectBlockEnd();
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"], "if", position, out var endedBy);
            branches.Add(new IfBranch(condition, body));
            switch (endedBy)
            {
                case "elif":
                    condition = ParseExpression();
                    ExpectBlockEnd();
                    continue;
                case "else":
                    ExpectBlockEnd();
                    var elseBody = ParseBody(["endif"], "if", position, out _);
                    ExpectBlockEnd();
                    return new IfNode([.. branches], elseBody, position);
                default:
                    ExpectBlockEnd();
                    return new IfNode([.. branches], null, position);
            }
        }
    }

    private ForNode ParseFor(int position)
    {
        var targets = ParseTargets();
        ExpectName("in");
        var iterable = ParseExpression(allowCondition: false);
        Expr? filter = null;
        if (IsName("if"))
        {
            _index++;
            filter = ParseExpression(allowCondition: false);
        }
        if (IsName("recursive"))
        {
            throw _error(Current.Position, "recursive loops are not supported by the gateway's template engine");
        }
        ExpectBlockEnd();
        var body = ParseBody(["else", "endfor"], "for", position, out var endedBy);
        Node[]? elseBody = null;
        if (endedBy == "else")
        {
            ExpectBlockEnd();
            elseBody = ParseBody(["endfor"], "for", position, out _);
        }
        ExpectBlockEnd();
        return new ForNode(targets, iterable, filter, body, elseBody, position);
    }

    private Node ParseSet(int position)
    {
        var targets = ParseTargets();
        if (IsOperator("="))
        {
            _index++;
            var value = ParseExpression();
            ExpectBlockEnd();
            return new SetNode(targets, value, position);
        }
        if (targets.Length != 1 || Current.Kind != TokenKind.BlockEnd)
        {
            throw _error(Current.Position, $"unexpected {Describe(Current)}, expected `=`");
        }
        ExpectBlockEnd();
        var body = ParseBody(["endset"], "set", position, out _);
        ExpectBlockEnd();
        return new SetBlockNode(targets[0], body, position);
    }

    private MacroNode ParseMacro(int position)
    {
        var name = ExpectIdentifier();
        Expect("(");
        var parameters = new List<string>();
        var defaults = new List<Expr?>();
        while (!IsOperator(")"))
        {
            parameters.Add(ExpectIdentifier());
            Expr? fallback = null;
            if (IsOperator("="))
            {
                _index++;
                fallback = ParseExpression();
            }
            defaults.Add(fallback);
            if (!IsOperator(")"))
            {
                Expect(",");
            }
        }
        _index++;
        ExpectBlockEnd();
        _macroDepth++;
        var body = ParseBody(["endmacro"], "macro", position, out _);
        _macroDepth--;
        if (Current.Kind == TokenKind.Name && Current.Text == name)
        {
            _index++;
        }
        ExpectBlockEnd();
        return new MacroNode(name, [.. parameters], [.. defaults], body, position);
    }

    /// <summary>Loop or assignment targets: <c>x</c>, <c>k, v</c> or <c>(k, v)</c>.</summary>
    private string[] ParseTargets()
    {
        var parenthesized = IsOperator("(");
        if (parenthesized)
        {
            _index++;
        }
        var names = new List<string> { ExpectIdentifier() };
        while (IsOperator(","))
        {
            _index++;
            names.Add(ExpectIdentifier());
        }
        if (parenthesized)
        {
            Expect(")");
        }
        return [.. names];
    }

    private string ExpectIdentifier()
    {
        var token = Current;
        if (token.Kind != TokenKind.Name || IsReserved(token.Text))
        {
            throw _error(token.Position, $"unexpected {Describe(token)}, expected a name");
        }
        _index++;
        return token.Text;
    }

    private static bool IsReserved(string name) =>
        name is "true" or "false" or "none" or "True" or "False" or "None" or "in" or "not" or "and" or "or" or "is" or "if" or "else";

    private void ExpectName(string name)
    {
        if (!IsName(name))
        {
            throw _error(Current.Position, $"unexpected {Describe(Current)}, expected `{name}`");
        }
        _index++;
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, "`%}`");

    private Token Expect(TokenKind kind, string description)
    {
        var token = Current;
        if (token.Kind != kind)
        {
            throw _error(token.Position, $"unexpected {Describe(token)}, expected {description}");
        }
        _index++;
        return token;
    }

    private void Expect(string op)
    {
        if (!IsOperator(op))
        {
            throw _error(Current.Position, $"unexpected {Describe(Current)}, expected `{op}`");
        }
        _index++;
    }

    private bool IsName(string name) => Current.Kind == TokenKind.Name && Current.Text == name;

    private bool IsOperator(string op) => Current.Kind == TokenKind.Operator && Current.Text == op;

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of template",
        TokenKind.Text => "template text",
        TokenKind.String => "string",
        TokenKind.Integer or TokenKind.Float => "number",
        _ => $"`{token.Text}`",
    };
}
