using System.Text;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Templates;

/// <summary>
/// One render of a template: walks the node tree once, writing into a buffer. Variables are looked up in the frames
/// pushed by loops and macros (innermost first), then in the JSON context.
/// </summary>
internal sealed class Renderer
{
    private const int MaxMacroDepth = 100;

    private readonly JsonObject? _context;
    private readonly List<Dictionary<string, Value>> _frames = [new(StringComparer.Ordinal)];
    private StringBuilder _output = new();
    private int _macroDepth;

    public Renderer(JsonObject? context, bool strict)
    {
        _context = context;
        Strict = strict;
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public bool Strict { get; }

    /// <summary>Source offset of the node being evaluated, so a failure can be reported with its location.</summary>
    public int Position { get; private set; }

    public string Render(Node[] body)
    {
        Execute(body);
        return _output.ToString();
    }

    private Flow Execute(Node[] nodes)
    {
        foreach (var node in nodes)
        {
            var flow = Execute(node);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private Flow Execute(Node node)
    {
        switch (node)
        {
            case TextNode text:
                _output.Append(text.Text);
                return Flow.Normal;
            case OutputNode output:
                var value = Evaluate(output.Expr);
                Position = output.Position;
                ValueFormatter.WriteDisplay(_output, CheckDefined(value));
                return Flow.Normal;
            case IfNode conditional:
                foreach (var branch in conditional.Branches)
                {
                    if (IsTrue(Evaluate(branch.Condition), branch.Condition.Position))
                    {
                        return Execute(branch.Body);
                    }
                }
                return conditional.Else is null ? Flow.Normal : Execute(conditional.Else);
            case ForNode loop:
                return ExecuteFor(loop);
            case SetNode set:
                Assign(set.Targets, Evaluate(set.Value), set.Position);
                return Flow.Normal;
            case SetBlockNode setBlock:
                _frames[^1][setBlock.Target] = Value.FromString(Capture(setBlock.Body));
                return Flow.Normal;
            case MacroNode macro:
                _frames[^1][macro.Name] = Value.FromObject(new Macro(macro, _frames[0]));
                return Flow.Normal;
            case LoopControlNode control:
                return control.IsBreak ? Flow.Break : Flow.Continue;
            default:
                throw new InvalidOperationException($"unknown node {node.GetType().Name}");
        }
    }

    private Flow ExecuteFor(ForNode node)
    {
        var iterable = Evaluate(node.Iterable);
        Position = node.Iterable.Position;
        var items = Operators.Iterate(CheckDefined(iterable));
        _frames.Add(new Dictionary<string, Value>(StringComparer.Ordinal));
        try
        {
            if (node.Filter is not null)
            {
                items = items.Where(item =>
                {
                    Assign(node.Targets, item, node.Position);
                    return IsTrue(Evaluate(node.Filter), node.Filter.Position);
                }).ToArray();
            }
            if (items.Count == 0)
            {
                return node.Else is null ? Flow.Normal : Execute(node.Else);
            }
            var loop = new LoopState(items);
            _frames[^1]["loop"] = Value.FromObject(loop);
            for (var i = 0; i < items.Count; i++)
            {
                loop.Index = i;
                Assign(node.Targets, items[i], node.Position);
                if (Execute(node.Body) == Flow.Break)
                {
                    break;
                }
            }
            return Flow.Normal;
        }
        finally
        {
            _frames.RemoveAt(_frames.Count - 1);
        }
    }

    private void Assign(string[] targets, Value value, int position)
    {
        var frame = _frames[^1];
        if (targets.Length == 1)
        {
            frame[targets[0]] = value;
            return;
        }
        if (value.Kind != ValueKind.List || value.Count != targets.Length)
        {
            Position = position;
            var got = value.Kind == ValueKind.List ? $"a sequence of {value.Count} items" : $"a value of type {value.KindName}";
            throw new TemplateRuntimeException($"cannot unpack {got} into {targets.Length} variables");
        }
        for (var i = 0; i < targets.Length; i++)
        {
            frame[targets[i]] = value.ItemAt(i);
        }
    }

    private string Capture(Node[] body)
    {
        var saved = _output;
        _output = new StringBuilder();
        try
        {
            Execute(body);
            return _output.ToString();
        }
        finally
        {
            _output = saved;
        }
    }

    /// <summary>Renders a macro body in its own frame, with only the template's top-level variables and the arguments.</summary>
    internal string CallMacro(MacroNode macro, Dictionary<string, Value> globals, Arguments args)
    {
        if (++_macroDepth > MaxMacroDepth)
        {
            throw new TemplateRuntimeException($"macro `{macro.Name}` recursed more than {MaxMacroDepth} levels");
        }
        args.Check(macro.Parameters);
        var frame = new Dictionary<string, Value>(StringComparer.Ordinal);
        var saved = _frames.ToArray();
        _frames.Clear();
        _frames.Add(globals);
        _frames.Add(frame);
        try
        {
            for (var i = 0; i < macro.Parameters.Length; i++)
            {
                var value = args.Get(i, macro.Parameters[i]);
                frame[macro.Parameters[i]] = value.IsUndefined && macro.Defaults[i] is { } fallback ? Evaluate(fallback) : value;
            }
            return Capture(macro.Body);
        }
        finally
        {
            _frames.Clear();
            _frames.AddRange(saved);
            _macroDepth--;
        }
    }

    public Value Evaluate(Expr expr)
    {
        switch (expr)
        {
            case ConstExpr constant:
                return constant.Value;
            case VarExpr variable:
                return Lookup(variable.Name);
            case AttrExpr attribute:
                var owner = Evaluate(attribute.Target);
                Position = attribute.Position;
                return LookInto(owner, attribute.Name) ? Operators.GetAttribute(owner, attribute.Name) : Value.Missing(attribute.Name);
            case ItemExpr item:
                var container = Evaluate(item.Target);
                var key = Evaluate(item.Key);
                Position = item.Position;
                return LookInto(container, ValueFormatter.Display(key)) ? Operators.GetItem(container, key) : Value.Undefined;
            case SliceExpr slice:
                return EvaluateSlice(slice);
            case UnaryExpr unary:
                var operand = Evaluate(unary.Operand);
                Position = unary.Position;
                return unary.Op switch
                {
                    UnaryOp.Not => Value.FromBool(!IsTrue(operand, unary.Position)),
                    UnaryOp.Negate => Operators.Negate(CheckDefined(operand)),
                    _ => CheckDefined(operand).IsNumber ? operand : throw new TemplateRuntimeException($"cannot apply unary `+` to a value of type {operand.KindName}"),
                };
            case BinaryExpr binary:
                return EvaluateBinary(binary);
            case CondExpr conditional:
                if (IsTrue(Evaluate(conditional.Test), conditional.Test.Position))
                {
                    return Evaluate(conditional.Then);
                }
                return conditional.Else is null ? Value.Undefined : Evaluate(conditional.Else);
            case ListExpr list:
                return Value.FromList(list.Items.Select(Evaluate).ToArray());
            case DictExpr dict:
                return EvaluateDict(dict);
            case FilterExpr filter:
                var input = Evaluate(filter.Target);
                var filterArgs = EvaluateArguments($"filter `{filter.Name}`", filter.Args);
                Position = filter.Position;
                if (filter.Filter is null)
                {
                    throw new TemplateRuntimeException($"unknown filter `{filter.Name}`");
                }
                return filter.Filter(filter.Name is "default" or "d" ? input : CheckDefined(input), filterArgs, this);
            case TestExpr test:
                var subject = Evaluate(test.Target);
                var testArgs = EvaluateArguments($"test `{test.Name}`", test.Args);
                Position = test.Position;
                if (test.Test is null)
                {
                    throw new TemplateRuntimeException($"unknown test `{test.Name}`");
                }
                return Value.FromBool(test.Test(subject, testArgs) != test.Negated);
            case CallExpr call:
                return EvaluateCall(call);
            default:
                throw new InvalidOperationException($"unknown expression {expr.GetType().Name}");
        }
    }

    private Value EvaluateBinary(BinaryExpr binary)
    {
        var left = Evaluate(binary.Left);
        switch (binary.Op)
        {
            case BinaryOp.And:
                return IsTrue(left, binary.Left.Position) ? Evaluate(binary.Right) : left;
            case BinaryOp.Or:
                return IsTrue(left, binary.Left.Position) ? left : Evaluate(binary.Right);
        }
        var right = Evaluate(binary.Right);
        Position = binary.Position;
        if (binary.Op is >= BinaryOp.Equal and <= BinaryOp.NotIn)
        {
            return Operators.Compare(binary.Op, left, right);
        }
        return Operators.Arithmetic(binary.Op, CheckDefined(left), CheckDefined(right));
    }

    private Value EvaluateDict(DictExpr dict)
    {
        var entries = new SortedDictionary<string, Value>(StringComparer.Ordinal);
        for (var i = 0; i < dict.Keys.Length; i++)
        {
            var key = Evaluate(dict.Keys[i]);
            if (key.Kind != ValueKind.String)
            {
                Position = dict.Keys[i].Position;
                throw new TemplateRuntimeException($"map keys must be strings, got {key.KindName}");
            }
            entries[key.AsString] = Evaluate(dict.Values[i]);
        }
        return Value.FromMap(entries);
    }

    private Value EvaluateSlice(SliceExpr slice)
    {
        var target = Evaluate(slice.Target);
        long? Bound(Expr? bound)
        {
            if (bound is null)
            {
                return null;
            }
            var value = Evaluate(bound);
            return value.Kind switch
            {
                ValueKind.Int => value.AsInt,
                ValueKind.None or ValueKind.Undefined => null,
                _ => throw new TemplateRuntimeException($"slice bounds must be integers, got {value.KindName}"),
            };
        }
        var (start, stop, step) = (Bound(slice.Start), Bound(slice.Stop), Bound(slice.Step) ?? 1);
        Position = slice.Position;
        return Builtins.Slice(CheckDefined(target), start, stop, step);
    }

    private Value EvaluateCall(CallExpr call)
    {
        switch (call.Callee)
        {
            case AttrExpr method:
                var owner = Evaluate(method.Target);
                var methodArgs = EvaluateArguments($"method `{method.Name}`", call.Args);
                Position = method.Position;
                return owner.Kind == ValueKind.Object
                    ? owner.AsObject.CallMethod(method.Name, methodArgs)
                    : Builtins.CallMethod(CheckDefined(owner), method.Name, methodArgs);
            case VarExpr function:
                var callee = Lookup(function.Name);
                var functionArgs = EvaluateArguments($"`{function.Name}`", call.Args);
                Position = function.Position;
                return callee.Kind == ValueKind.Object
                    ? callee.AsObject.Call(functionArgs, this)
                    : Builtins.CallFunction(function.Name, functionArgs);
            default:
                var value = Evaluate(call.Callee);
                var args = EvaluateArguments("call", call.Args);
                Position = call.Position;
                return value.Kind == ValueKind.Object
                    ? value.AsObject.Call(args, this)
                    : throw new TemplateRuntimeException($"value of type {value.KindName} is not callable");
        }
    }

    private Arguments EvaluateArguments(string callee, CallSyntax syntax)
    {
        if (syntax.Positional.Length == 0 && syntax.KeywordNames.Length == 0)
        {
            return Arguments.Empty(callee);
        }
        var positional = new Value[syntax.Positional.Length];
        for (var i = 0; i < positional.Length; i++)
        {
            positional[i] = Evaluate(syntax.Positional[i]);
        }
        var keywords = new Value[syntax.KeywordValues.Length];
        for (var i = 0; i < keywords.Length; i++)
        {
            keywords[i] = Evaluate(syntax.KeywordValues[i]);
        }
        return new Arguments(callee, positional, syntax.KeywordNames, keywords);
    }

    private Value Lookup(string name)
    {
        for (var i = _frames.Count - 1; i >= 0; i--)
        {
            if (_frames[i].TryGetValue(name, out var value))
            {
                return value;
            }
        }
        return _context is not null && _context.TryGetPropertyValue(name, out var node) ? Value.FromJson(node) : Value.Missing(name);
    }

    /// <summary>Whether an attribute or item of <paramref name="owner"/> can be looked up; false means the result is undefined.</summary>
    private bool LookInto(Value owner, string key)
    {
        if (owner.Kind is not (ValueKind.Undefined or ValueKind.None))
        {
            return true;
        }
        if (Strict)
        {
            throw owner.IsUndefined
                ? UndefinedError(owner)
                : new TemplateRuntimeException($"cannot look up `{key}` on none");
        }
        return false;
    }

    public bool IsTrue(Value value, int position)
    {
        if (Strict && value.IsUndefined)
        {
            Position = position;
            throw UndefinedError(value);
        }
        return value.IsTruthy;
    }

    /// <summary>In strict mode, fails on an undefined value; otherwise returns it unchanged.</summary>
    public Value CheckDefined(Value value) => Strict && value.IsUndefined ? throw UndefinedError(value) : value;

    private static TemplateRuntimeException UndefinedError(Value value) =>
        new(value.MissingName is { } name ? $"undefined value: `{name}` is not defined" : "undefined value");
}
