using System.Text.Json;
using System.Text.Json.Nodes;

namespace TensorZero.Templates;

internal enum ValueKind
{
    Undefined,
    None,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
    Object,
}

/// <summary>
/// A value while a template renders. JSON from the context is read lazily: a list or map keeps its
/// <see cref="JsonArray"/> or <see cref="JsonObject"/> and converts an element only when the template reaches it.
/// Maps iterate, print and serialize in ordinal key order, as MiniJinja's default (sorted) maps do.
/// </summary>
internal readonly struct Value
{
    public static readonly Value Undefined;
    public static readonly Value None = new(ValueKind.None, 0, 0, null);
    public static readonly Value True = new(ValueKind.Bool, 1, 0, null);
    public static readonly Value False = new(ValueKind.Bool, 0, 0, null);
    public static readonly Value EmptyString = new(ValueKind.String, 0, 0, "");

    private readonly long _int;
    private readonly double _float;
    private readonly object? _ref;

    private Value(ValueKind kind, long integer, double number, object? reference)
    {
        Kind = kind;
        _int = integer;
        _float = number;
        _ref = reference;
    }

    public ValueKind Kind { get; }

    public bool IsUndefined => Kind == ValueKind.Undefined;

    public bool IsNumber => Kind is ValueKind.Int or ValueKind.Float;

    public bool AsBool => _int != 0;

    public long AsInt => _int;

    public double AsFloat => _float;

    public string AsString => (string)_ref!;

    public TemplateObject AsObject => (TemplateObject)_ref!;

    /// <summary>For an undefined value: the variable or attribute name that was missing, when known.</summary>
    public string? MissingName => Kind == ValueKind.Undefined ? _ref as string : null;

    /// <summary>The kind as MiniJinja names it in messages.</summary>
    public string KindName => Kind switch
    {
        ValueKind.Undefined => "undefined",
        ValueKind.None => "none",
        ValueKind.Bool => "bool",
        ValueKind.Int or ValueKind.Float => "number",
        ValueKind.String => "string",
        ValueKind.List => "sequence",
        ValueKind.Map => "map",
        _ => AsObject.KindName,
    };

    public static Value Missing(string name) => new(ValueKind.Undefined, 0, 0, name);

    public static Value FromBool(bool value) => value ? True : False;

    public static Value FromInt(long value) => new(ValueKind.Int, value, 0, null);

    public static Value FromFloat(double value) => new(ValueKind.Float, 0, value, null);

    public static Value FromString(string value) => new(ValueKind.String, 0, 0, value);

    public static Value FromList(Value[] items) => new(ValueKind.List, 0, 0, items);

    public static Value FromMap(SortedDictionary<string, Value> entries) => new(ValueKind.Map, 0, 0, entries);

    public static Value FromObject(TemplateObject value) => new(ValueKind.Object, 0, 0, value);

    public static Value FromJson(JsonNode? node) => node switch
    {
        null => None,
        JsonObject map => new Value(ValueKind.Map, 0, 0, map),
        JsonArray list => new Value(ValueKind.List, 0, 0, list),
        JsonValue scalar => FromJsonScalar(scalar),
        _ => None,
    };

    private static Value FromJsonScalar(JsonValue scalar)
    {
        switch (scalar.GetValueKind())
        {
            case JsonValueKind.String:
                // A value built from a Guid, DateTime or char reports a string kind but holds no string.
                return FromString(scalar.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(scalar.ToJsonString())!);
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.Number:
                if (scalar.TryGetValue<JsonElement>(out var element))
                {
                    // A JSON number with a fraction or exponent is a float even when whole (`1.0`), as in serde_json.
                    return element.TryGetInt64(out var whole) ? FromInt(whole) : FromFloat(element.GetDouble());
                }
                if (scalar.TryGetValue<long>(out var l)) { return FromInt(l); }
                if (scalar.TryGetValue<int>(out var i)) { return FromInt(i); }
                if (scalar.TryGetValue<short>(out var s)) { return FromInt(s); }
                if (scalar.TryGetValue<byte>(out var b)) { return FromInt(b); }
                if (scalar.TryGetValue<uint>(out var ui)) { return FromInt(ui); }
                if (scalar.TryGetValue<ulong>(out var ul) && ul <= long.MaxValue) { return FromInt((long)ul); }
                if (scalar.TryGetValue<double>(out var d)) { return FromFloat(d); }
                if (scalar.TryGetValue<float>(out var f)) { return FromFloat(f); }
                if (scalar.TryGetValue<decimal>(out var m)) { return FromFloat((double)m); }
                return ParseJsonNumber(scalar.ToJsonString());
            default:
                return None;
        }
    }

    private static Value ParseJsonNumber(string text)
    {
        using var document = JsonDocument.Parse(text);
        var element = document.RootElement;
        return element.TryGetInt64(out var whole) ? FromInt(whole) : FromFloat(element.GetDouble());
    }

    public double ToDouble() => Kind == ValueKind.Float ? _float : _int;

    /// <summary>Number of items of a list, entries of a map or characters of a string.</summary>
    public int Count => _ref switch
    {
        Value[] items => items.Length,
        JsonArray list => list.Count,
        SortedDictionary<string, Value> entries => entries.Count,
        JsonObject map => map.Count,
        string text when Kind == ValueKind.String => text.EnumerateRunes().Count(),
        _ => 0,
    };

    public Value ItemAt(int index) => _ref is Value[] items ? items[index] : FromJson(((JsonArray)_ref!)[index]);

    public IEnumerable<Value> ListItems()
    {
        if (_ref is Value[] items)
        {
            return items;
        }
        return ((JsonArray)_ref!).Select(FromJson);
    }

    public bool TryGetEntry(string key, out Value value)
    {
        switch (_ref)
        {
            case SortedDictionary<string, Value> entries:
                return entries.TryGetValue(key, out value);
            case JsonObject map when map.TryGetPropertyValue(key, out var node):
                value = FromJson(node);
                return true;
            default:
                value = Undefined;
                return false;
        }
    }

    /// <summary>A map's keys in ordinal order.</summary>
    public IReadOnlyList<string> MapKeys()
    {
        if (_ref is SortedDictionary<string, Value> entries)
        {
            return entries.Keys.ToArray();
        }
        var keys = ((JsonObject)_ref!).Select(p => p.Key).ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    public IEnumerable<KeyValuePair<string, Value>> MapEntries()
    {
        foreach (var key in MapKeys())
        {
            TryGetEntry(key, out var value);
            yield return new KeyValuePair<string, Value>(key, value);
        }
    }

    /// <summary>Jinja truthiness: undefined, none, false, 0, 0.0 and empty strings, lists and maps are false.</summary>
    public bool IsTruthy => Kind switch
    {
        ValueKind.Undefined or ValueKind.None => false,
        ValueKind.Bool or ValueKind.Int => _int != 0,
        ValueKind.Float => _float != 0,
        ValueKind.String => AsString.Length > 0,
        ValueKind.List or ValueKind.Map => Count > 0,
        _ => true,
    };

    public override string ToString() => ValueFormatter.Display(this);
}

/// <summary>A value made by the engine itself, such as <c>loop</c> or a macro.</summary>
internal abstract class TemplateObject
{
    public abstract string KindName { get; }

    public virtual Value GetAttribute(string name) => Value.Missing(name);

    public virtual Value CallMethod(string name, Arguments args, Renderer renderer) =>
        throw new TemplateRuntimeException($"{KindName} has no method `{name}`");

    public virtual Value Call(Arguments args, Renderer renderer) =>
        throw new TemplateRuntimeException($"{KindName} is not callable");
}
