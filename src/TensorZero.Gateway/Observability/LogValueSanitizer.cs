using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Rewrites every string in a log event's properties (nested ones included) before any sink sees it: control
/// characters (line breaks, escape sequences) are written as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\uXXXX</c>, so a
/// request path or a client-chosen field name can't start a forged log line; and any run of a gateway-held key is
/// masked, as a last line of defence behind the redaction of provider errors.
/// </summary>
public sealed class LogValueSanitizer(SecretRegistry? secrets = null) : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        // Serilog keeps a line's properties in a Dictionary: enumerated as one, its enumerator isn't boxed per line.
        if (logEvent.Properties is Dictionary<string, LogEventPropertyValue> properties)
        {
            foreach (var (name, value) in properties)
            {
                NoteUnclean(name, value, ref changed);
            }
        }
        else
        {
            foreach (var (name, value) in logEvent.Properties)
            {
                NoteUnclean(name, value, ref changed);
            }
        }
        if (changed is not null)
        {
            foreach (var property in changed)
            {
                logEvent.AddOrUpdateProperty(property);
            }
        }
    }

    private void NoteUnclean(string name, LogEventPropertyValue value, ref List<LogEventProperty>? changed)
    {
        var clean = Clean(value);
        if (!ReferenceEquals(clean, value))
        {
            (changed ??= []).Add(new LogEventProperty(name, clean));
        }
    }

    private LogEventPropertyValue Clean(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var cleanText = CleanText(text);
                return ReferenceEquals(cleanText, text) ? value : new ScalarValue(cleanText);
            case ScalarValue { Value: not null and not IFormattable and not bool } scalar:
                // Objects logged as scalars render with ToString(); a PathString or a Uri carries the client's text.
                var rendered = scalar.Value.ToString() ?? string.Empty;
                var cleanRendered = CleanText(rendered);
                return ReferenceEquals(cleanRendered, rendered) ? value : new ScalarValue(cleanRendered);
            case SequenceValue sequence:
                var items = sequence.Elements.Select(Clean).ToList();
                return items.SequenceEqual(sequence.Elements) ? value : new SequenceValue(items);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new LogEventProperty(CleanText(p.Name), Clean(p.Value))).ToList();
                return properties.Zip(structure.Properties).All(p => ReferenceEquals(p.First.Value, p.Second.Value) && p.First.Name == p.Second.Name)
                    ? value
                    : new StructureValue(properties, structure.TypeTag is null ? null : CleanText(structure.TypeTag));
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Clean(e.Key), Clean(e.Value))).ToList();
                return entries.Zip(dictionary.Elements).All(e => ReferenceEquals(e.First.Key, e.Second.Key) && ReferenceEquals(e.First.Value, e.Second.Value))
                    ? value
                    : new DictionaryValue(entries);
            default:
                return value;
        }
    }

    private string CleanText(string text)
    {
        var escaped = EscapeControlCharacters(text);
        if (secrets is null || secrets.Patterns.IsEmpty)
        {
            return escaped;
        }
        var redacted = SecretRedactor.Redact(escaped, secrets.Patterns);
        return string.Equals(redacted, escaped, StringComparison.Ordinal) ? escaped : redacted;
    }

    /// <summary>The text with each control character (and Unicode line or paragraph separator) escaped; the same instance if there is none.</summary>
    public static string EscapeControlCharacters(string text)
    {
        var first = text.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        if (first < 0 && !text.AsSpan().ContainsAny('\u007f', '\u0085') && !text.AsSpan().ContainsAny('\u2028', '\u2029'))
        {
            return text;
        }
        var result = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n':
                    result.Append("\\n");
                    break;
                case '\r':
                    result.Append("\\r");
                    break;
                case '\t':
                    result.Append("\\t");
                    break;
                case < ' ' or '\u007f' or '\u0085' or '\u2028' or '\u2029':
                    result.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }
        return result.ToString();
    }
}
