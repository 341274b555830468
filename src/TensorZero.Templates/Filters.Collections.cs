namespace TensorZero.Templates;

internal static partial class Filters
{
    private static Value Length(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return value.Kind is ValueKind.String or ValueKind.List or ValueKind.Map
            ? Value.FromInt(value.Count)
            : throw new TemplateRuntimeException($"cannot calculate the length of a value of type {value.KindName}");
    }

    private static Value Join(Value value, Arguments args, Renderer renderer)
    {
        args.Check("d", "attribute");
        if (value.Kind is ValueKind.Undefined or ValueKind.None)
        {
            return Value.EmptyString;
        }
        var separator = args.GetString(0, "d") ?? "";
        var attribute = args.GetString(1, "attribute");
        var items = Operators.Iterate(value).Select(item => attribute is null ? item : GetPath(item, attribute));
        return Value.FromString(string.Join(separator, items.Select(ValueFormatter.Display)));
    }

    private static Value First(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        var items = Operators.Iterate(value);
        return items.Count > 0 ? items[0] : Value.Undefined;
    }

    private static Value Last(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        var items = Operators.Iterate(value);
        return items.Count > 0 ? items[^1] : Value.Undefined;
    }

    private static Value Reverse(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return value.Kind switch
        {
            ValueKind.String => Value.FromString(string.Concat(value.AsString.EnumerateRunes().Reverse())),
            ValueKind.List => Value.FromList(value.ListItems().Reverse().ToArray()),
            _ => throw new TemplateRuntimeException($"cannot reverse a value of type {value.KindName}"),
        };
    }

    /// <summary>Sorts items (strings case-insensitively unless <c>case_sensitive=true</c>), optionally by an attribute path.</summary>
    private static Value Sort(Value value, Arguments args, Renderer renderer)
    {
        args.Check("reverse", "case_sensitive", "attribute");
        var reverse = args.GetBool(0, "reverse", false);
        var caseSensitive = args.GetBool(1, "case_sensitive", false);
        var attribute = args.GetString(2, "attribute");
        var keys = attribute?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        Value Key(Value item) => keys.Length switch
        {
            0 => item,
            1 => GetPath(item, keys[0]),
            _ => Value.FromList(keys.Select(k => GetPath(item, k)).ToArray()),
        };
        var items = Operators.Iterate(value).ToList();
        var order = new ValueOrder(caseSensitive);
        return Value.FromList((reverse ? items.OrderByDescending(Key, order) : items.OrderBy(Key, order)).ToArray());
    }

    /// <summary>Keeps the first of equal items; strings compare case-insensitively unless <c>case_sensitive=true</c>.</summary>
    private static Value Unique(Value value, Arguments args, Renderer renderer)
    {
        args.Check("case_sensitive", "attribute");
        var caseSensitive = args.GetBool(0, "case_sensitive", false);
        var attribute = args.GetString(1, "attribute");
        var seen = new List<Value>();
        var result = new List<Value>();
        foreach (var item in Operators.Iterate(value))
        {
            var key = attribute is null ? item : GetPath(item, attribute);
            if (!seen.Any(k => SameKind(k, key) && Operators.Order(k, key, caseSensitive) == 0))
            {
                seen.Add(key);
                result.Add(item);
            }
        }
        return Value.FromList([.. result]);
    }

    private static bool SameKind(Value a, Value b) => (a.IsNumber && b.IsNumber) || a.Kind == b.Kind;

    private static Value Items(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return value.Kind == ValueKind.Map
            ? Builtins.Pairs(value)
            : throw new TemplateRuntimeException($"cannot convert a value of type {value.KindName} into pairs");
    }

    /// <summary>A map's <c>[key, value]</c> pairs sorted by key (or by value with <c>by="value"</c>), case-insensitively by default.</summary>
    private static Value DictSort(Value value, Arguments args, Renderer renderer)
    {
        args.Check("case_sensitive", "by", "reverse");
        if (value.Kind != ValueKind.Map)
        {
            throw new TemplateRuntimeException($"cannot convert a value of type {value.KindName} into pairs");
        }
        var caseSensitive = args.GetBool(0, "case_sensitive", false);
        var byValue = args.GetString(1, "by") switch
        {
            null or "key" => false,
            "value" => true,
            var other => throw new TemplateRuntimeException($"filter `dictsort`: `by` must be \"key\" or \"value\", got \"{other}\""),
        };
        var reverse = args.GetBool(2, "reverse", false);
        Value Key(KeyValuePair<string, Value> entry) => byValue ? entry.Value : Value.FromString(entry.Key);
        var order = new ValueOrder(caseSensitive);
        var entries = value.MapEntries();
        var sorted = reverse ? entries.OrderByDescending(Key, order) : entries.OrderBy(Key, order);
        return Value.FromList(sorted.Select(e => Value.FromList([Value.FromString(e.Key), e.Value])).ToArray());
    }

    private static Value Batch(Value value, Arguments args, Renderer renderer)
    {
        args.Check("count", "fill_with");
        var size = args.GetInt(0, "count", 0);
        if (size <= 0)
        {
            throw new TemplateRuntimeException("filter `batch`: `count` must be a positive integer");
        }
        var filler = args.Get(1, "fill_with");
        var batches = Operators.Iterate(value).Chunk((int)Math.Min(size, int.MaxValue)).Select(chunk =>
        {
            var batch = chunk.ToList();
            while (!filler.IsUndefined && batch.Count < size)
            {
                batch.Add(filler);
            }
            return Value.FromList([.. batch]);
        });
        return Value.FromList(batches.ToArray());
    }

    private static Value Sum(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        var total = Value.FromInt(0);
        foreach (var item in Operators.Iterate(value))
        {
            total = item.IsNumber
                ? Operators.Arithmetic(BinaryOp.Add, total, item)
                : throw new TemplateRuntimeException($"filter `sum` can only add numbers, got {item.KindName}");
        }
        return total;
    }

    /// <summary><c>map(attribute="a.b", default=...)</c> picks an attribute of each item; <c>map("filter", ...)</c> applies a filter.</summary>
    private static Value Map(Value value, Arguments args, Renderer renderer)
    {
        var keywords = args.Keywords().ToDictionary(StringComparer.Ordinal);
        if (keywords.TryGetValue("attribute", out var attribute))
        {
            args.Check("attribute", "default");
            keywords.TryGetValue("default", out var fallback);
            return Value.FromList(Operators.Iterate(value).Select(item =>
            {
                var picked = attribute.Kind == ValueKind.String ? GetPath(item, attribute.AsString) : Operators.GetItem(item, attribute);
                return picked.IsUndefined && !fallback.IsUndefined ? fallback : picked;
            }).ToArray());
        }
        if (args.Positional.Count == 0 || args.Positional[0].Kind != ValueKind.String)
        {
            throw new TemplateRuntimeException("filter `map` needs a filter name or `attribute=`");
        }
        var name = args.Positional[0].AsString;
        var filter = Find(name) ?? throw new TemplateRuntimeException($"unknown filter `{name}`");
        var rest = new Arguments($"filter `{name}`", [.. args.Positional.Skip(1)], [.. keywords.Keys], [.. keywords.Values]);
        return Value.FromList(Operators.Iterate(value).Select(item => filter(item, rest, renderer)).ToArray());
    }

    /// <summary><c>select</c>/<c>reject</c> by a test (or truthiness); the <c>attr</c> forms test an attribute of each item.</summary>
    private static Value Select(Value value, Arguments args, Renderer renderer, bool keep, bool byAttribute)
    {
        var offset = byAttribute ? 1 : 0;
        var attribute = byAttribute ? args.GetString(0, "attr") ?? throw new TemplateRuntimeException("an attribute name is required") : null;
        var testName = args.Positional.Count > offset ? args.Positional[offset] : Value.Undefined;
        TestFunction? test = null;
        if (!testName.IsUndefined)
        {
            test = testName.Kind == ValueKind.String
                ? TestFunctions.Find(testName.AsString) ?? throw new TemplateRuntimeException($"unknown test `{testName.AsString}`")
                : throw new TemplateRuntimeException("the test name must be a string");
        }
        var testArgs = new Arguments($"test `{testName}`", [.. args.Positional.Skip(offset + 1)], [], []);
        return Value.FromList(Operators.Iterate(value).Where(item =>
        {
            var subject = attribute is null ? item : GetPath(item, attribute);
            var passed = test is null ? subject.IsTruthy : test(subject, testArgs);
            return passed == keep;
        }).ToArray());
    }

    /// <summary>Follows a dotted path such as <c>author.name</c> or <c>items.0</c>.</summary>
    private static Value GetPath(Value value, string path)
    {
        foreach (var part in path.Split('.'))
        {
            value = long.TryParse(part, out var index) && value.Kind == ValueKind.List
                ? Operators.GetItem(value, Value.FromInt(index))
                : Operators.GetAttribute(value, part);
        }
        return value;
    }

    private sealed class ValueOrder(bool caseSensitive = true) : IComparer<Value>
    {
        public static readonly ValueOrder Instance = new();

        public int Compare(Value x, Value y) => Operators.Order(x, y, caseSensitive);
    }
}
