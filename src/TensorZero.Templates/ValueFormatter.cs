using System.Buffers;
using System.Globalization;
using System.Text;

namespace TensorZero.Templates;

/// <summary>
/// Turns values into text the way MiniJinja does: strings as is, <c>true</c>/<c>false</c>, <c>none</c>, integers
/// plainly, floats in shortest round-trip form with at least one decimal (<c>2.0</c>, <c>0.1</c>), and lists and maps
/// in their debug form (<c>[1, "a"]</c>, <c>{"k": 1}</c>). Also writes the JSON of <c>tojson</c>.
/// </summary>
internal static class ValueFormatter
{
    public static string Display(Value value) => value.Kind switch
    {
        ValueKind.Undefined => "",
        ValueKind.String => value.AsString,
        ValueKind.Int => value.AsInt.ToString(CultureInfo.InvariantCulture),
        _ => Repr(value),
    };

    public static void WriteDisplay(StringBuilder output, Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.Undefined:
                break;
            case ValueKind.String:
                output.Append(value.AsString);
                break;
            case ValueKind.Int:
                output.Append(value.AsInt);
                break;
            default:
                WriteRepr(output, value);
                break;
        }
    }

    public static string Repr(Value value)
    {
        var builder = new StringBuilder();
        WriteRepr(builder, value);
        return builder.ToString();
    }

    private static void WriteRepr(StringBuilder output, Value value)
    {
        switch (value.Kind)
        {
            case ValueKind.Undefined:
                output.Append("undefined");
                break;
            case ValueKind.None:
                output.Append("none");
                break;
            case ValueKind.Bool:
                output.Append(value.AsBool ? "true" : "false");
                break;
            case ValueKind.Int:
                output.Append(value.AsInt);
                break;
            case ValueKind.Float:
                output.Append(FormatFloat(value.AsFloat, FloatStyle.Display));
                break;
            case ValueKind.String:
                WriteQuoted(output, value.AsString);
                break;
            case ValueKind.List:
                output.Append('[');
                var first = true;
                foreach (var item in value.ListItems())
                {
                    output.Append(first ? "" : ", ");
                    first = false;
                    WriteRepr(output, item);
                }
                output.Append(']');
                break;
            case ValueKind.Map:
                output.Append('{');
                var firstEntry = true;
                foreach (var (key, item) in value.MapEntries())
                {
                    output.Append(firstEntry ? "" : ", ");
                    firstEntry = false;
                    WriteQuoted(output, key);
                    output.Append(": ");
                    WriteRepr(output, item);
                }
                output.Append('}');
                break;
            default:
                output.Append(value.AsObject);
                break;
        }
    }

    /// <summary>A string in Rust's debug form: double quotes, with quotes, backslashes and control characters escaped.</summary>
    private static void WriteQuoted(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\0': output.Append("\\0"); break;
                default:
                    if (char.IsControl(c))
                    {
                        output.Append("\\u{").Append(((int)c).ToString("x", CultureInfo.InvariantCulture)).Append('}');
                    }
                    else
                    {
                        output.Append(c);
                    }
                    break;
            }
        }
        output.Append('"');
    }

    /// <summary>JSON as serde_json writes it (compact, or pretty with <paramref name="indent"/> spaces), made HTML-safe.</summary>
    public static string ToJson(Value value, int? indent)
    {
        var builder = new StringBuilder();
        WriteJson(builder, value, indent, 0);
        return builder.ToString();
    }

    private static void WriteJson(StringBuilder output, Value value, int? indent, int depth)
    {
        switch (value.Kind)
        {
            case ValueKind.Bool:
                output.Append(value.AsBool ? "true" : "false");
                break;
            case ValueKind.Int:
                output.Append(value.AsInt);
                break;
            case ValueKind.Float when double.IsFinite(value.AsFloat):
                output.Append(FormatFloat(value.AsFloat, FloatStyle.Json));
                break;
            case ValueKind.String:
                WriteJsonString(output, value.AsString);
                break;
            case ValueKind.List:
                WriteJsonContainer(output, '[', ']', value.ListItems().Select(v => (default(string), v)), indent, depth);
                break;
            case ValueKind.Map:
                WriteJsonContainer(output, '{', '}', value.MapEntries().Select(e => ((string?)e.Key, e.Value)), indent, depth);
                break;
            case ValueKind.Object:
                WriteJsonString(output, value.AsObject.ToString() ?? "");
                break;
            default:
                output.Append("null");
                break;
        }
    }

    private static void WriteJsonContainer(StringBuilder output, char open, char close, IEnumerable<(string? Key, Value Value)> items, int? indent, int depth)
    {
        output.Append(open);
        var any = false;
        foreach (var (key, item) in items)
        {
            output.Append(any ? "," : "");
            any = true;
            if (indent is { } width)
            {
                output.Append('\n').Append(' ', width * (depth + 1));
            }
            if (key is not null)
            {
                WriteJsonString(output, key);
                output.Append(indent is null ? ":" : ": ");
            }
            WriteJson(output, item, indent, depth + 1);
        }
        if (any && indent is { } closingWidth)
        {
            output.Append('\n').Append(' ', closingWidth * depth);
        }
        output.Append(close);
    }

    private static void WriteJsonString(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                // MiniJinja's tojson escapes these so its output is safe inside HTML.
                case '<' or '>' or '&' or '\'' or < ' ':
                    output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: output.Append(c); break;
            }
        }
        output.Append('"');
    }

    private static readonly SearchValues<char> HtmlSpecial = SearchValues.Create("&<>\"'/");

    public static string HtmlEscape(string text)
    {
        if (text.AsSpan().IndexOfAny(HtmlSpecial) < 0)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#x27;",
                '/' => "&#x2f;",
                _ => null,
            } ?? c.ToString());
        }
        return builder.ToString();
    }

    internal enum FloatStyle
    {
        /// <summary>Rust's <c>Display</c> (never an exponent) plus <c>.0</c> for whole numbers, as MiniJinja prints floats.</summary>
        Display,

        /// <summary>serde_json's (ryu) form: an exponent below 1e-5 and from 1e16 on.</summary>
        Json,
    }

    public static string FormatFloat(double value, FloatStyle style)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value < 0 ? "-inf" : "inf";
        }
        var sign = double.IsNegative(value) ? "-" : "";
        var (digits, point) = ShortestDigits(Math.Abs(value));
        var useExponent = style == FloatStyle.Json && (point > 16 || point <= -5);
        if (useExponent)
        {
            var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{mantissa}e{point - 1}");
        }
        if (point <= 0)
        {
            return sign + "0." + new string('0', -point) + digits;
        }
        if (point >= digits.Length)
        {
            return sign + digits + new string('0', point - digits.Length) + ".0";
        }
        return sign + digits[..point] + "." + digits[point..];
    }

    /// <summary>The shortest round-trip digits of a non-negative value and where the decimal point goes (0.DIGITS × 10^point).</summary>
    private static (string Digits, int Point) ShortestDigits(double value)
    {
        if (value == 0)
        {
            return ("0", 1);
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOf('E', StringComparison.Ordinal);
        var exponent = exponentAt < 0 ? 0 : int.Parse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? mantissa.Length : dot;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var point = integerDigits + exponent;
        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }
        digits = digits[leadingZeros..].TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, point - leadingZeros);
    }
}
