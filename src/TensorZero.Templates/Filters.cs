using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace TensorZero.Templates;

internal delegate Value FilterFunction(Value value, Arguments args, Renderer renderer);

/// <summary>
/// MiniJinja's built-in filters that prompt templates use, by name. Text filters live here, the ones working on
/// lists and maps in the other part of this class.
/// </summary>
internal static partial class Filters
{
    private static readonly FrozenDictionary<string, FilterFunction> Registry = new Dictionary<string, FilterFunction>
    {
        ["upper"] = (v, a, r) => Text(v, a, r, s => s.ToUpperInvariant()),
        ["lower"] = (v, a, r) => Text(v, a, r, s => s.ToLowerInvariant()),
        ["title"] = (v, a, r) => Text(v, a, r, Title),
        ["capitalize"] = (v, a, r) => Text(v, a, r, Capitalize),
        ["trim"] = Trim,
        ["replace"] = Replace,
        ["indent"] = Indent,
        ["escape"] = Escape,
        ["e"] = Escape,
        ["safe"] = (v, a, r) => Text(v, a, r, s => s),
        ["string"] = (v, a, r) => Text(v, a, r, s => s),
        ["int"] = ToInt,
        ["float"] = ToFloat,
        ["abs"] = Abs,
        ["round"] = Round,
        ["bool"] = (v, a, _) => Checked(a, Value.FromBool(v.IsTruthy)),
        ["default"] = Default,
        ["d"] = Default,
        ["tojson"] = ToJson,
        ["split"] = Split,
        ["lines"] = (v, a, r) => Checked(a, Value.FromList(AsText(v).Split('\n').Select(l => Value.FromString(l.TrimEnd('\r'))).ToArray())),
        ["length"] = Length,
        ["count"] = Length,
        ["join"] = Join,
        ["first"] = First,
        ["last"] = Last,
        ["reverse"] = Reverse,
        ["sort"] = Sort,
        ["unique"] = Unique,
        ["list"] = (v, a, _) => Checked(a, Value.FromList(Operators.Iterate(v).ToArray())),
        ["items"] = Items,
        ["dictsort"] = DictSort,
        ["batch"] = Batch,
        ["min"] = (v, a, _) => Checked(a, Operators.Iterate(v).DefaultIfEmpty().MinBy(x => x, ValueOrder.Instance)),
        ["max"] = (v, a, _) => Checked(a, Operators.Iterate(v).DefaultIfEmpty().MaxBy(x => x, ValueOrder.Instance)),
        ["sum"] = Sum,
        ["map"] = Map,
        ["select"] = (v, a, r) => Select(v, a, r, keep: true, byAttribute: false),
        ["reject"] = (v, a, r) => Select(v, a, r, keep: false, byAttribute: false),
        ["selectattr"] = (v, a, r) => Select(v, a, r, keep: true, byAttribute: true),
        ["rejectattr"] = (v, a, r) => Select(v, a, r, keep: false, byAttribute: true),
        ["attr"] = (v, a, _) => { a.Check("name"); return Operators.GetItem(v, a.Get(0, "name")); },
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static FilterFunction? Find(string name) => Registry.GetValueOrDefault(name);

    private static Value Checked(Arguments args, Value result, params ReadOnlySpan<string> parameters)
    {
        args.Check(parameters);
        return result;
    }

    /// <summary>The text of a value as the string filters see it: a string as is, anything else as it would print.</summary>
    private static string AsText(Value value) => ValueFormatter.Display(value);

    private static Value Text(Value value, Arguments args, Renderer renderer, Func<string, string> transform)
    {
        args.Check();
        return Value.FromString(transform(AsText(value)));
    }

    private static string Title(string text)
    {
        var builder = new StringBuilder(text.Length);
        var startOfWord = true;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || (char.IsAscii(c) && char.IsPunctuation(c)) || (char.IsAscii(c) && char.IsSymbol(c)))
            {
                builder.Append(c);
                startOfWord = true;
            }
            else
            {
                builder.Append(startOfWord ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                startOfWord = false;
            }
        }
        return builder.ToString();
    }

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    private static Value Trim(Value value, Arguments args, Renderer renderer)
    {
        args.Check("chars");
        var chars = args.GetString(0, "chars");
        var text = AsText(value);
        return Value.FromString(chars is null ? text.Trim() : text.Trim(chars.ToCharArray()));
    }

    private static Value Replace(Value value, Arguments args, Renderer renderer)
    {
        args.Check("old", "new", "count");
        var from = ValueFormatter.Display(args.Get(0, "old"));
        var to = ValueFormatter.Display(args.Get(1, "new"));
        var count = args.GetInt(2, "count", -1);
        var text = AsText(value);
        if (count < 0)
        {
            return Value.FromString(from.Length == 0 ? text : text.Replace(from, to, StringComparison.Ordinal));
        }
        var builder = new StringBuilder();
        var at = 0;
        for (var done = 0L; done < count && from.Length > 0; done++)
        {
            var next = text.IndexOf(from, at, StringComparison.Ordinal);
            if (next < 0)
            {
                break;
            }
            builder.Append(text, at, next - at).Append(to);
            at = next + from.Length;
        }
        return Value.FromString(builder.Append(text, at, text.Length - at).ToString());
    }

    /// <summary>Indents every line but the first (unless asked) by <c>width</c> spaces; blank lines stay empty unless asked.</summary>
    private static Value Indent(Value value, Arguments args, Renderer renderer)
    {
        args.Check("width", "first", "blank");
        var width = (int)Math.Clamp(args.GetInt(0, "width", 4), 0, 1000);
        var first = args.GetBool(1, "first", false);
        var blank = args.GetBool(2, "blank", false);
        var padding = new string(' ', width);
        var lines = StripNewline(AsText(value)).Split('\n');
        var output = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i == 0 && !first)
            {
                output.Append(lines[i]);
            }
            else if (lines[i].Length > 0 || blank)
            {
                output.Append(padding).Append(lines[i]);
            }
            output.Append('\n');
        }
        return Value.FromString(StripNewline(output.ToString()));
    }

    private static string StripNewline(string text)
    {
        text = text.EndsWith('\n') ? text[..^1] : text;
        return text.EndsWith('\r') ? text[..^1] : text;
    }

    private static Value Escape(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return Value.FromString(ValueFormatter.HtmlEscape(AsText(value)));
    }

    private static Value ToInt(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return value.Kind switch
        {
            ValueKind.Undefined or ValueKind.None => Value.FromInt(0),
            ValueKind.Bool => Value.FromInt(value.AsBool ? 1 : 0),
            ValueKind.Int => value,
            ValueKind.Float => Value.FromInt(TruncateToLong(value.AsFloat)),
            ValueKind.String when long.TryParse(value.AsString.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => Value.FromInt(whole),
            ValueKind.String when double.TryParse(value.AsString.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => Value.FromInt(TruncateToLong(number)),
            _ => throw new TemplateRuntimeException($"cannot convert {Describe(value)} to an integer"),
        };
    }

    private static long TruncateToLong(double number) =>
        double.IsFinite(number) && Math.Abs(number) < 9.2e18 ? (long)number : throw new TemplateRuntimeException($"cannot convert {number} to an integer");

    private static Value ToFloat(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return value.Kind switch
        {
            ValueKind.Undefined or ValueKind.None => Value.FromFloat(0),
            ValueKind.Bool => Value.FromFloat(value.AsBool ? 1 : 0),
            ValueKind.Int or ValueKind.Float => Value.FromFloat(value.ToDouble()),
            ValueKind.String when double.TryParse(value.AsString.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => Value.FromFloat(number),
            _ => throw new TemplateRuntimeException($"cannot convert {Describe(value)} to a float"),
        };
    }

    private static string Describe(Value value) =>
        value.Kind == ValueKind.String ? $"string {ValueFormatter.Repr(value)}" : $"value of type {value.KindName}";

    private static Value Abs(Value value, Arguments args, Renderer renderer)
    {
        args.Check();
        return value.Kind switch
        {
            ValueKind.Int when value.AsInt != long.MinValue => Value.FromInt(Math.Abs(value.AsInt)),
            ValueKind.Float => Value.FromFloat(Math.Abs(value.AsFloat)),
            _ => throw new TemplateRuntimeException($"cannot take the absolute value of a value of type {value.KindName}"),
        };
    }

    private static Value Round(Value value, Arguments args, Renderer renderer)
    {
        args.Check("precision", "method");
        var precision = (int)Math.Clamp(args.GetInt(0, "precision", 0), -300, 300);
        var method = args.GetString(1, "method") ?? "common";
        if (value.Kind == ValueKind.Int)
        {
            return value;
        }
        if (value.Kind != ValueKind.Float)
        {
            throw new TemplateRuntimeException($"cannot round a value of type {value.KindName}");
        }
        var scale = Math.Pow(10, precision);
        var scaled = value.AsFloat * scale;
        var rounded = method switch
        {
            "common" => Math.Round(scaled, MidpointRounding.AwayFromZero),
            "ceil" => Math.Ceiling(scaled),
            "floor" => Math.Floor(scaled),
            _ => throw new TemplateRuntimeException($"invalid rounding method `{method}`, expected `common`, `ceil` or `floor`"),
        };
        return Value.FromFloat(rounded / scale);
    }

    /// <summary>The value, or the fallback (default <c>""</c>) when it is undefined, or falsy if the second argument is true.</summary>
    private static Value Default(Value value, Arguments args, Renderer renderer)
    {
        args.Check("default_value", "boolean");
        var fallback = args.Get(0, "default_value");
        var useFallback = value.IsUndefined || (args.GetBool(1, "boolean", false) && !value.IsTruthy);
        return !useFallback ? value : fallback.IsUndefined ? Value.EmptyString : fallback;
    }

    private static Value ToJson(Value value, Arguments args, Renderer renderer)
    {
        args.Check("indent");
        var indent = args.Get(0, "indent");
        int? width = indent.Kind switch
        {
            ValueKind.Undefined or ValueKind.None => null,
            ValueKind.Bool => indent.AsBool ? 2 : null,
            ValueKind.Int when indent.AsInt is >= 0 and <= 100 => (int)indent.AsInt,
            _ => throw new TemplateRuntimeException("filter `tojson`: `indent` must be a boolean or a small non-negative integer"),
        };
        return Value.FromString(ValueFormatter.ToJson(value, width));
    }

    private static Value Split(Value value, Arguments args, Renderer renderer)
    {
        args.Check("sep", "maxsplit");
        var separator = args.GetString(0, "sep");
        var maxSplits = args.GetInt(1, "maxsplit", -1);
        var text = AsText(value);
        var count = maxSplits < 0 ? int.MaxValue : (int)Math.Min(maxSplits + 1, int.MaxValue);
        var parts = separator is null
            ? text.Split((char[]?)null, count, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : text.Split(separator, count);
        return Value.FromList(parts.Select(Value.FromString).ToArray());
    }
}
