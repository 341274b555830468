namespace TensorZero.Templates;

internal sealed partial class Renderer
{
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
            case VarExpr { Name: "super" } super:
                Position = super.Position;
                if (call.Args.Positional.Length > 0 || call.Args.KeywordNames.Length > 0)
                {
                    throw new TemplateRuntimeException("super() takes no arguments");
                }
                return Value.FromString(CallSuper());
            case AttrExpr { Target: VarExpr { Name: "self" } } block:
                Position = block.Position;
                return Value.FromString(CallSelfBlock(block.Name));
            case AttrExpr method:
                var owner = Evaluate(method.Target);
                var methodArgs = EvaluateArguments($"method `{method.Name}`", call.Args);
                Position = method.Position;
                return owner.Kind == ValueKind.Object
                    ? owner.AsObject.CallMethod(method.Name, methodArgs, this)
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
}
