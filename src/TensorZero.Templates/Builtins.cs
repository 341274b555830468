namespace TensorZero.Templates;

/// <summary>The global functions (<c>range</c>, <c>dict</c>), the map methods and slicing.</summary>
internal static class Builtins
{
    private const long MaxRange = 100_000;

    public static Value CallFunction(string name, Arguments args)
    {
        switch (name)
        {
            case "range":
                args.Check("start", "stop", "step");
                var bounds = args.Positional.Select(v => v.Kind == ValueKind.Int
                    ? v.AsInt
                    : throw new TemplateRuntimeException($"`range` takes integers, got {v.KindName}")).ToArray();
                var (start, stop) = bounds.Length switch
                {
                    0 => throw new TemplateRuntimeException("`range` takes at least 1 argument"),
                    1 => (0L, bounds[0]),
                    _ => (bounds[0], bounds[1]),
                };
                var step = bounds.Length == 3 ? bounds[2] : 1;
                if (step == 0)
                {
                    throw new TemplateRuntimeException("`range` step cannot be zero");
                }
                var items = new List<Value>();
                for (var i = start; step > 0 ? i < stop : i > stop; i += step)
                {
                    if (items.Count >= MaxRange)
                    {
                        throw new TemplateRuntimeException($"`range` would make more than {MaxRange} items");
                    }
                    items.Add(Value.FromInt(i));
                }
                return Value.FromList([.. items]);
            case "dict":
                var map = new SortedDictionary<string, Value>(StringComparer.Ordinal);
                foreach (var (key, value) in args.Keywords())
                {
                    map[key] = value;
                }
                return Value.FromMap(map);
            default:
                throw new TemplateRuntimeException($"unknown function `{name}`");
        }
    }

    /// <summary>Python-style map methods, which prompt templates written for Jinja2 often use.</summary>
    public static Value CallMethod(Value owner, string name, Arguments args)
    {
        if (owner.Kind == ValueKind.Map)
        {
            switch (name)
            {
                case "items":
                    args.Check();
                    return Pairs(owner);
                case "keys":
                    args.Check();
                    return Value.FromList(owner.MapKeys().Select(Value.FromString).ToArray());
                case "values":
                    args.Check();
                    return Value.FromList(owner.MapEntries().Select(e => e.Value).ToArray());
                case "get":
                    args.Check("key", "default");
                    var key = args.Get(0, "key");
                    var fallback = args.Get(1, "default");
                    return key.Kind == ValueKind.String && owner.TryGetEntry(key.AsString, out var found)
                        ? found
                        : fallback.IsUndefined ? Value.None : fallback;
            }
        }
        throw new TemplateRuntimeException($"{owner.KindName} has no method `{name}`");
    }

    /// <summary>A map's entries as <c>[key, value]</c> pairs, in key order.</summary>
    public static Value Pairs(Value map) =>
        Value.FromList(map.MapEntries().Select(e => Value.FromList([Value.FromString(e.Key), e.Value])).ToArray());

    public static Value Slice(Value target, long? start, long? stop, long step)
    {
        if (step == 0)
        {
            throw new TemplateRuntimeException("slice step cannot be zero");
        }
        Value[] items;
        switch (target.Kind)
        {
            case ValueKind.String:
                items = target.AsString.EnumerateRunes().Select(r => Value.FromString(r.ToString())).ToArray();
                break;
            case ValueKind.List:
                items = target.ListItems().ToArray();
                break;
            case ValueKind.Undefined or ValueKind.None:
                return Value.FromList([]);
            default:
                throw new TemplateRuntimeException($"cannot slice a value of type {target.KindName}");
        }
        long length = items.Length;
        long Adjust(long? index, long fallback)
        {
            if (index is not { } i)
            {
                return fallback;
            }
            if (i < 0)
            {
                i += length;
                return i < 0 ? (step < 0 ? -1 : 0) : i;
            }
            return i >= length ? (step < 0 ? length - 1 : length) : i;
        }
        var from = Adjust(start, step < 0 ? length - 1 : 0);
        var to = Adjust(stop, step < 0 ? -1 : length);
        var result = new List<Value>();
        for (var i = from; step > 0 ? i < to : i > to; i += step)
        {
            result.Add(items[i]);
        }
        return target.Kind == ValueKind.String
            ? Value.FromString(string.Concat(result.Select(v => v.AsString)))
            : Value.FromList([.. result]);
    }
}
