using System.Collections.Frozen;

namespace TensorZero.Templates;

internal delegate bool TestFunction(Value value, Arguments args);

/// <summary>The tests usable after <c>is</c> / <c>is not</c>, by name, as MiniJinja defines them.</summary>
internal static class TestFunctions
{
    private static readonly FrozenDictionary<string, TestFunction> Registry = new Dictionary<string, TestFunction>
    {
        ["defined"] = (v, a) => Check(a, !v.IsUndefined),
        ["undefined"] = (v, a) => Check(a, v.IsUndefined),
        ["none"] = (v, a) => Check(a, v.Kind == ValueKind.None),
        ["boolean"] = (v, a) => Check(a, v.Kind == ValueKind.Bool),
        ["true"] = (v, a) => Check(a, v.Kind == ValueKind.Bool && v.AsBool),
        ["false"] = (v, a) => Check(a, v.Kind == ValueKind.Bool && !v.AsBool),
        ["number"] = (v, a) => Check(a, v.IsNumber),
        ["integer"] = (v, a) => Check(a, v.Kind == ValueKind.Int),
        ["float"] = (v, a) => Check(a, v.Kind == ValueKind.Float),
        ["string"] = (v, a) => Check(a, v.Kind == ValueKind.String),
        ["mapping"] = (v, a) => Check(a, v.Kind == ValueKind.Map),
        ["sequence"] = (v, a) => Check(a, v.Kind == ValueKind.List),
        ["iterable"] = (v, a) => Check(a, v.Kind is ValueKind.List or ValueKind.Map or ValueKind.String),
        ["callable"] = (v, a) => Check(a, v.Kind == ValueKind.Object && v.AsObject is Macro),
        ["even"] = (v, a) => Check(a, v.Kind == ValueKind.Int && v.AsInt % 2 == 0),
        ["odd"] = (v, a) => Check(a, v.Kind == ValueKind.Int && v.AsInt % 2 != 0),
        ["divisibleby"] = DivisibleBy,
        ["lower"] = (v, a) => Check(a, v.Kind == ValueKind.String && !v.AsString.Any(char.IsUpper)),
        ["upper"] = (v, a) => Check(a, v.Kind == ValueKind.String && !v.AsString.Any(char.IsLower)),
        ["startingwith"] = (v, a) => v.Kind == ValueKind.String && v.AsString.StartsWith(Other(a), StringComparison.Ordinal),
        ["endingwith"] = (v, a) => v.Kind == ValueKind.String && v.AsString.EndsWith(Other(a), StringComparison.Ordinal),
        ["in"] = (v, a) => Operators.Contains(Operand(a), v),
        ["eq"] = Comparison(BinaryOp.Equal),
        ["equalto"] = Comparison(BinaryOp.Equal),
        ["=="] = Comparison(BinaryOp.Equal),
        ["ne"] = Comparison(BinaryOp.NotEqual),
        ["!="] = Comparison(BinaryOp.NotEqual),
        ["lt"] = Comparison(BinaryOp.Less),
        ["lessthan"] = Comparison(BinaryOp.Less),
        ["le"] = Comparison(BinaryOp.LessOrEqual),
        ["gt"] = Comparison(BinaryOp.Greater),
        ["greaterthan"] = Comparison(BinaryOp.Greater),
        ["ge"] = Comparison(BinaryOp.GreaterOrEqual),
        ["sameas"] = Comparison(BinaryOp.Equal),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static TestFunction? Find(string name) => Registry.GetValueOrDefault(name);

    private static bool Check(Arguments args, bool result)
    {
        args.Check();
        return result;
    }

    private static Value Operand(Arguments args)
    {
        args.Check("other");
        return args.Get(0, "other");
    }

    private static string Other(Arguments args) => ValueFormatter.Display(Operand(args));

    private static TestFunction Comparison(BinaryOp op) =>
        (v, a) => Operators.Compare(op, v, Operand(a)).AsBool;

    private static bool DivisibleBy(Value value, Arguments args)
    {
        var divisor = Operand(args);
        if (!value.IsNumber || !divisor.IsNumber)
        {
            return false;
        }
        return value.Kind == ValueKind.Int && divisor.Kind == ValueKind.Int
            ? divisor.AsInt != 0 && value.AsInt % divisor.AsInt == 0
            : divisor.ToDouble() != 0 && value.ToDouble() % divisor.ToDouble() == 0;
    }
}
