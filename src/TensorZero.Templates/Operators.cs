using System.Text;

namespace TensorZero.Templates;

/// <summary>Arithmetic, comparison, containment, lookup and iteration with MiniJinja's semantics.</summary>
internal static class Operators
{
    public static Value Arithmetic(BinaryOp op, Value left, Value right)
    {
        if (op == BinaryOp.Concat)
        {
            return Value.FromString(ValueFormatter.Display(left) + ValueFormatter.Display(right));
        }
        if (left.IsNumber && right.IsNumber)
        {
            return left.Kind == ValueKind.Int && right.Kind == ValueKind.Int
                ? IntegerArithmetic(op, left.AsInt, right.AsInt)
                : FloatArithmetic(op, left.ToDouble(), right.ToDouble());
        }
        return (op, left.Kind, right.Kind) switch
        {
            (BinaryOp.Add, ValueKind.String, ValueKind.String) => Value.FromString(left.AsString + right.AsString),
            (BinaryOp.Add, ValueKind.List, ValueKind.List) => Value.FromList([.. left.ListItems(), .. right.ListItems()]),
            (BinaryOp.Multiply, ValueKind.String, ValueKind.Int) => Value.FromString(Repeat(left.AsString, right.AsInt)),
            (BinaryOp.Multiply, ValueKind.Int, ValueKind.String) => Value.FromString(Repeat(right.AsString, left.AsInt)),
            _ => throw new TemplateRuntimeException(
                $"tried to use `{Symbol(op)}` operator on unsupported types {left.KindName} and {right.KindName}"),
        };
    }

    private static Value IntegerArithmetic(BinaryOp op, long a, long b)
    {
        try
        {
            switch (op)
            {
                case BinaryOp.Add: return Value.FromInt(checked(a + b));
                case BinaryOp.Subtract: return Value.FromInt(checked(a - b));
                case BinaryOp.Multiply: return Value.FromInt(checked(a * b));
                case BinaryOp.Divide: return Value.FromFloat((double)a / b);
                case BinaryOp.Power when b >= 0:
                    var result = 1L;
                    for (var i = 0L; i < b; i++)
                    {
                        result = checked(result * a);
                    }
                    return Value.FromInt(result);
                case BinaryOp.Power:
                    return Value.FromFloat(Math.Pow(a, b));
            }
            if (b == 0)
            {
                throw new TemplateRuntimeException("division by zero");
            }
            // MiniJinja divides euclidean: the remainder is never negative.
            var remainder = ((a % b) + Math.Abs(b)) % Math.Abs(b);
            return op == BinaryOp.Modulo ? Value.FromInt(remainder) : Value.FromInt((a - remainder) / b);
        }
        catch (OverflowException)
        {
            throw new TemplateRuntimeException($"integer overflow in `{Symbol(op)}`");
        }
    }

    private static Value FloatArithmetic(BinaryOp op, double a, double b)
    {
        var remainder = a % b;
        if (remainder < 0)
        {
            remainder += Math.Abs(b);
        }
        return Value.FromFloat(op switch
        {
            BinaryOp.Add => a + b,
            BinaryOp.Subtract => a - b,
            BinaryOp.Multiply => a * b,
            BinaryOp.Divide => a / b,
            BinaryOp.FloorDivide => Math.Round((a - remainder) / b),
            BinaryOp.Modulo => remainder,
            _ => Math.Pow(a, b),
        });
    }

    private static string Repeat(string text, long count)
    {
        if (count <= 0)
        {
            return "";
        }
        var builder = new StringBuilder(text.Length * (int)Math.Min(count, 10_000));
        for (var i = 0L; i < count; i++)
        {
            builder.Append(text);
        }
        return builder.ToString();
    }

    public static Value Negate(Value value) => value.Kind switch
    {
        ValueKind.Int when value.AsInt != long.MinValue => Value.FromInt(-value.AsInt),
        ValueKind.Float => Value.FromFloat(-value.AsFloat),
        _ => throw new TemplateRuntimeException($"cannot negate a value of type {value.KindName}"),
    };

    public static Value Compare(BinaryOp op, Value left, Value right) => Value.FromBool(op switch
    {
        BinaryOp.Equal => LooseEquals(left, right),
        BinaryOp.NotEqual => !LooseEquals(left, right),
        BinaryOp.Less => Order(left, right) < 0,
        BinaryOp.LessOrEqual => Order(left, right) <= 0,
        BinaryOp.Greater => Order(left, right) > 0,
        BinaryOp.GreaterOrEqual => Order(left, right) >= 0,
        BinaryOp.In => Contains(right, left),
        _ => !Contains(right, left),
    });

    public static bool LooseEquals(Value a, Value b) =>
        (a.IsNumber && b.IsNumber) || a.Kind == b.Kind ? Order(a, b) == 0 : false;

    /// <summary>
    /// A total order as MiniJinja's: numbers by value, strings ordinally, lists item by item, maps by sorted entries,
    /// and values of different kinds by kind (undefined, none, bool, number, string, sequence, map).
    /// </summary>
    public static int Order(Value a, Value b, bool caseSensitive = true)
    {
        if (a.IsNumber && b.IsNumber)
        {
            return a.Kind == ValueKind.Int && b.Kind == ValueKind.Int ? a.AsInt.CompareTo(b.AsInt) : a.ToDouble().CompareTo(b.ToDouble());
        }
        if (a.Kind != b.Kind)
        {
            return Rank(a.Kind).CompareTo(Rank(b.Kind));
        }
        switch (a.Kind)
        {
            case ValueKind.Bool:
                return a.AsBool.CompareTo(b.AsBool);
            case ValueKind.String:
                return caseSensitive
                    ? string.CompareOrdinal(a.AsString, b.AsString)
                    : string.CompareOrdinal(a.AsString.ToLowerInvariant(), b.AsString.ToLowerInvariant());
            case ValueKind.List:
                return OrderSequences(a.ListItems(), b.ListItems(), caseSensitive);
            case ValueKind.Map:
                return OrderSequences(
                    a.MapEntries().SelectMany(e => new[] { Value.FromString(e.Key), e.Value }),
                    b.MapEntries().SelectMany(e => new[] { Value.FromString(e.Key), e.Value }),
                    caseSensitive);
            case ValueKind.Object:
                return ReferenceEquals(a.AsObject, b.AsObject) ? 0 : 1;
            default:
                return 0;
        }
    }

    private static int Rank(ValueKind kind) => kind switch
    {
        ValueKind.Int or ValueKind.Float => (int)ValueKind.Int,
        _ => (int)kind,
    };

    private static int OrderSequences(IEnumerable<Value> first, IEnumerable<Value> second, bool caseSensitive)
    {
        using var a = first.GetEnumerator();
        using var b = second.GetEnumerator();
        while (true)
        {
            var hasA = a.MoveNext();
            var hasB = b.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA.CompareTo(hasB);
            }
            var order = Order(a.Current, b.Current, caseSensitive);
            if (order != 0)
            {
                return order;
            }
        }
    }

    public static bool Contains(Value container, Value item) => container.Kind switch
    {
        ValueKind.String => container.AsString.Contains(ValueFormatter.Display(item), StringComparison.Ordinal),
        ValueKind.List => container.ListItems().Any(x => LooseEquals(x, item)),
        ValueKind.Map => item.Kind == ValueKind.String && container.TryGetEntry(item.AsString, out _),
        ValueKind.Undefined or ValueKind.None => false,
        _ => throw new TemplateRuntimeException($"cannot check whether a value of type {container.KindName} contains something"),
    };

    public static Value GetAttribute(Value target, string name) => target.Kind switch
    {
        ValueKind.Map => target.TryGetEntry(name, out var value) ? value : Value.Missing(name),
        ValueKind.Object => target.AsObject.GetAttribute(name),
        _ => Value.Missing(name),
    };

    public static Value GetItem(Value target, Value key)
    {
        switch (target.Kind)
        {
            case ValueKind.Map when key.Kind == ValueKind.String:
                return target.TryGetEntry(key.AsString, out var value) ? value : Value.Missing(key.AsString);
            case ValueKind.Object when key.Kind == ValueKind.String:
                return target.AsObject.GetAttribute(key.AsString);
            case ValueKind.List when key.Kind == ValueKind.Int:
                var index = key.AsInt < 0 ? target.Count + key.AsInt : key.AsInt;
                return index >= 0 && index < target.Count ? target.ItemAt((int)index) : Value.Undefined;
            case ValueKind.String when key.Kind == ValueKind.Int:
                var runes = target.AsString.EnumerateRunes().ToArray();
                var at = key.AsInt < 0 ? runes.Length + key.AsInt : key.AsInt;
                return at >= 0 && at < runes.Length ? Value.FromString(runes[at].ToString()) : Value.Undefined;
            default:
                return Value.Undefined;
        }
    }

    /// <summary>The items a <c>for</c> loop or a filter walks: list items, map keys (sorted), or a string's characters.</summary>
    public static IReadOnlyList<Value> Iterate(Value value) => value.Kind switch
    {
        ValueKind.List => value.ListItems().ToArray(),
        ValueKind.Map => value.MapKeys().Select(Value.FromString).ToArray(),
        ValueKind.String => value.AsString.EnumerateRunes().Select(r => Value.FromString(r.ToString())).ToArray(),
        ValueKind.Undefined or ValueKind.None => [],
        _ => throw new TemplateRuntimeException($"value of type {value.KindName} is not iterable"),
    };

    public static string Symbol(BinaryOp op) => op switch
    {
        BinaryOp.Add => "+",
        BinaryOp.Subtract => "-",
        BinaryOp.Multiply => "*",
        BinaryOp.Divide => "/",
        BinaryOp.FloorDivide => "//",
        BinaryOp.Modulo => "%",
        BinaryOp.Power => "**",
        BinaryOp.Concat => "~",
        _ => op.ToString(),
    };
}
