namespace TensorZero.Templates;

// Expression grammar, loosest binding first, as in Jinja2:
//   a if c else b  >  or  >  and  >  not  >  == != < <= > >= in, not in  >  + -  >  ~  >  * / // %  >  **
//   >  unary - +  >  filters (|), tests (is), calls  >  .attr, [item], [a:b]  >  literals, names, ( )
internal sealed partial class Parser
{
    private Expr ParseExpression(bool allowCondition = true) => allowCondition ? ParseConditional() : ParseOr();

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (IsName("if"))
        {
            var position = Current.Position;
            _index++;
            var test = ParseOr();
            Expr? otherwise = null;
            if (IsName("else"))
            {
                _index++;
                otherwise = ParseConditional();
            }
            expr = new CondExpr(test, expr, otherwise, position);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or"))
        {
            var position = Current.Position;
            _index++;
            left = new BinaryExpr(BinaryOp.Or, left, ParseAnd(), position);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and"))
        {
            var position = Current.Position;
            _index++;
            left = new BinaryExpr(BinaryOp.And, left, ParseNot(), position);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (IsName("not"))
        {
            var position = Current.Position;
            _index++;
            return new UnaryExpr(UnaryOp.Not, ParseNot(), position);
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var left = ParseMath1();
        while (true)
        {
            var token = Current;
            BinaryOp op;
            if (token.Kind == TokenKind.Operator && token.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                op = token.Text switch
                {
                    "==" => BinaryOp.Equal,
                    "!=" => BinaryOp.NotEqual,
                    "<" => BinaryOp.Less,
                    "<=" => BinaryOp.LessOrEqual,
                    ">" => BinaryOp.Greater,
                    _ => BinaryOp.GreaterOrEqual,
                };
                _index++;
            }
            else if (IsName("in"))
            {
                op = BinaryOp.In;
                _index++;
            }
            else if (IsName("not") && _tokens[_index + 1] is { Kind: TokenKind.Name, Text: "in" })
            {
                op = BinaryOp.NotIn;
                _index += 2;
            }
            else
            {
                return left;
            }
            left = new BinaryExpr(op, left, ParseMath1(), token.Position);
        }
    }

    private Expr ParseMath1() => ParseBinary(ParseConcat, ("+", BinaryOp.Add), ("-", BinaryOp.Subtract));

    private Expr ParseConcat() => ParseBinary(ParseMath2, ("~", BinaryOp.Concat));

    private Expr ParseMath2() =>
        ParseBinary(ParsePower, ("*", BinaryOp.Multiply), ("/", BinaryOp.Divide), ("//", BinaryOp.FloorDivide), ("%", BinaryOp.Modulo));

    private Expr ParsePower() => ParseBinary(() => ParseUnary(), ("**", BinaryOp.Power));

    private Expr ParseBinary(Func<Expr> operand, params ReadOnlySpan<(string Symbol, BinaryOp Op)> operators)
    {
        var left = operand();
        while (Current.Kind == TokenKind.Operator)
        {
            var token = Current;
            var match = -1;
            for (var i = 0; i < operators.Length; i++)
            {
                if (operators[i].Symbol == token.Text)
                {
                    match = i;
                }
            }
            if (match < 0)
            {
                break;
            }
            _index++;
            left = new BinaryExpr(operators[match].Op, left, operand(), token.Position);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilters = true)
    {
        var token = Current;
        Expr expr;
        if (IsOperator("-") || IsOperator("+"))
        {
            _index++;
            expr = new UnaryExpr(token.Text == "-" ? UnaryOp.Negate : UnaryOp.Plus, ParseUnary(withFilters: false), token.Position);
        }
        else
        {
            expr = ParsePostfix(ParsePrimary());
        }
        return withFilters ? ParseFiltersAndTests(expr) : expr;
    }

    private Expr ParseFiltersAndTests(Expr expr)
    {
        while (true)
        {
            if (IsOperator("|"))
            {
                _index++;
                var name = Current;
                var filterName = ExpectIdentifier();
                var args = IsOperator("(") ? ParseCallArguments() : CallSyntax.None;
                expr = new FilterExpr(expr, filterName, Filters.Find(filterName), args, name.Position);
            }
            else if (IsName("is"))
            {
                _index++;
                var negated = IsName("not");
                if (negated)
                {
                    _index++;
                }
                var name = Current;
                if (name.Kind != TokenKind.Name)
                {
                    throw _error(name.Position, $"unexpected {Describe(name)}, expected the name of a test");
                }
                _index++;
                var args = CallSyntax.None;
                if (IsOperator("("))
                {
                    args = ParseCallArguments();
                }
                else if (StartsBareTestArgument())
                {
                    args = new CallSyntax([ParsePostfix(ParsePrimary())], [], []);
                }
                expr = new TestExpr(expr, name.Text, TestFunctions.Find(name.Text), args, negated, name.Position);
            }
            else
            {
                return expr;
            }
        }
    }

    /// <summary>Whether a test takes one argument without parentheses, as in <c>x is divisibleby 3</c>.</summary>
    private bool StartsBareTestArgument() => Current.Kind switch
    {
        TokenKind.String or TokenKind.Integer or TokenKind.Float => true,
        TokenKind.Operator => Current.Text is "[" or "{",
        TokenKind.Name => Current.Text is not ("else" or "or" or "and" or "if" or "in" or "not" or "is"),
        _ => false,
    };

    private Expr ParsePostfix(Expr expr)
    {
        while (Current.Kind == TokenKind.Operator)
        {
            var token = Current;
            switch (token.Text)
            {
                case ".":
                    _index++;
                    var attribute = Current;
                    _index++;
                    expr = attribute.Kind switch
                    {
                        TokenKind.Name => new AttrExpr(expr, attribute.Text, attribute.Position),
                        TokenKind.Integer => new ItemExpr(expr, new ConstExpr(Value.FromInt(attribute.Integer), attribute.Position), attribute.Position),
                        _ => throw _error(attribute.Position, $"unexpected {Describe(attribute)}, expected an attribute name"),
                    };
                    break;
                case "[":
                    _index++;
                    expr = ParseSubscript(expr, token.Position);
                    break;
                case "(":
                    expr = new CallExpr(expr, ParseCallArguments(), token.Position);
                    break;
                default:
                    return expr;
            }
        }
        return expr;
    }

    private Expr ParseSubscript(Expr target, int position)
    {
        Expr? start = IsOperator(":") ? null : ParseExpression();
        if (start is not null && IsOperator("]"))
        {
            _index++;
            return new ItemExpr(target, start, position);
        }
        Expect(":");
        Expr? stop = IsOperator(":") || IsOperator("]") ? null : ParseExpression();
        Expr? step = null;
        if (IsOperator(":"))
        {
            _index++;
            step = IsOperator("]") ? null : ParseExpression();
        }
        Expect("]");
        return new SliceExpr(target, start, stop, step, position);
    }

    private CallSyntax ParseCallArguments()
    {
        Expect("(");
        var positional = new List<Expr>();
        var names = new List<string>();
        var values = new List<Expr>();
        while (!IsOperator(")"))
        {
            if (Current.Kind == TokenKind.Name && _tokens[_index + 1] is { Kind: TokenKind.Operator, Text: "=" })
            {
                names.Add(Current.Text);
                _index += 2;
                values.Add(ParseExpression());
            }
            else if (names.Count > 0)
            {
                throw _error(Current.Position, "positional argument after keyword argument");
            }
            else
            {
                positional.Add(ParseExpression());
            }
            if (!IsOperator(")"))
            {
                Expect(",");
            }
        }
        _index++;
        return new CallSyntax([.. positional], [.. names], [.. values]);
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                _index++;
                return token.Text switch
                {
                    "true" or "True" => new ConstExpr(Value.True, token.Position),
                    "false" or "False" => new ConstExpr(Value.False, token.Position),
                    "none" or "None" => new ConstExpr(Value.None, token.Position),
                    _ when IsReserved(token.Text) => throw _error(token.Position, $"unexpected `{token.Text}`, expected an expression"),
                    _ => new VarExpr(token.Text, token.Position),
                };
            case TokenKind.String:
                var text = token.Text;
                // Adjacent string literals concatenate, as in Python.
                for (_index++; Current.Kind == TokenKind.String; _index++)
                {
                    text += Current.Text;
                }
                return new ConstExpr(Value.FromString(text), token.Position);
            case TokenKind.Integer:
                _index++;
                return new ConstExpr(Value.FromInt(token.Integer), token.Position);
            case TokenKind.Float:
                _index++;
                return new ConstExpr(Value.FromFloat(token.Float), token.Position);
            case TokenKind.Operator when token.Text == "(":
                _index++;
                var items = ParseSequence(")", out var sawComma);
                return items.Length == 1 && !sawComma ? items[0] : new ListExpr(items, token.Position);
            case TokenKind.Operator when token.Text == "[":
                _index++;
                return new ListExpr(ParseSequence("]", out _), token.Position);
            case TokenKind.Operator when token.Text == "{":
                _index++;
                return ParseDict(token.Position);
            default:
                throw _error(token.Position, $"unexpected {Describe(token)}, expected an expression");
        }
    }

    private Expr[] ParseSequence(string close, out bool sawComma)
    {
        var items = new List<Expr>();
        sawComma = false;
        while (!IsOperator(close))
        {
            items.Add(ParseExpression());
            if (!IsOperator(close))
            {
                Expect(",");
                sawComma = true;
            }
        }
        _index++;
        return [.. items];
    }

    private DictExpr ParseDict(int position)
    {
        var keys = new List<Expr>();
        var values = new List<Expr>();
        while (!IsOperator("}"))
        {
            keys.Add(ParseExpression());
            Expect(":");
            values.Add(ParseExpression());
            if (!IsOperator("}"))
            {
                Expect(",");
            }
        }
        _index++;
        return new DictExpr([.. keys], [.. values], position);
    }
}
