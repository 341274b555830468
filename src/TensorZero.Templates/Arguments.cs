namespace TensorZero.Templates;

/// <summary>Evaluated arguments of a filter, test, method or function call, positional and by keyword.</summary>
internal readonly struct Arguments(string callee, Value[] positional, string[] keywordNames, Value[] keywordValues)
{
    public static Arguments Empty(string callee) => new(callee, [], [], []);

    public IReadOnlyList<Value> Positional => positional;

    public IEnumerable<KeyValuePair<string, Value>> Keywords() => keywordNames.Zip(keywordValues, KeyValuePair.Create);

    /// <summary>Rejects more positional arguments than <paramref name="parameters"/> and keywords not among them.</summary>
    public void Check(params ReadOnlySpan<string> parameters)
    {
        if (positional.Length > parameters.Length)
        {
            var plural = parameters.Length == 1 ? "" : "s";
            throw new TemplateRuntimeException($"{callee} takes at most {parameters.Length} argument{plural}, got {positional.Length}");
        }
        foreach (var name in keywordNames)
        {
            var index = parameters.IndexOf(name);
            if (index < 0)
            {
                throw new TemplateRuntimeException($"{callee} got an unexpected keyword argument `{name}`");
            }
            if (index < positional.Length)
            {
                throw new TemplateRuntimeException($"{callee} got argument `{name}` twice");
            }
        }
    }

    /// <summary>The argument at <paramref name="index"/> or passed as <paramref name="name"/>; undefined when absent.</summary>
    public Value Get(int index, string name)
    {
        if (index < positional.Length)
        {
            return positional[index];
        }
        var keyword = Array.IndexOf(keywordNames, name);
        return keyword < 0 ? Value.Undefined : keywordValues[keyword];
    }

    public bool GetBool(int index, string name, bool fallback)
    {
        var value = Get(index, name);
        return value.Kind switch
        {
            ValueKind.Undefined or ValueKind.None => fallback,
            ValueKind.Bool => value.AsBool,
            _ => throw new TemplateRuntimeException($"{callee}: argument `{name}` must be a boolean, got {value.KindName}"),
        };
    }

    public long GetInt(int index, string name, long fallback)
    {
        var value = Get(index, name);
        return value.Kind switch
        {
            ValueKind.Undefined or ValueKind.None => fallback,
            ValueKind.Int => value.AsInt,
            _ => throw new TemplateRuntimeException($"{callee}: argument `{name}` must be an integer, got {value.KindName}"),
        };
    }

    public string? GetString(int index, string name)
    {
        var value = Get(index, name);
        return value.Kind switch
        {
            ValueKind.Undefined or ValueKind.None => null,
            ValueKind.String => value.AsString,
            _ => throw new TemplateRuntimeException($"{callee}: argument `{name}` must be a string, got {value.KindName}"),
        };
    }
}
