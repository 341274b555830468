using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// The console's text format, with the request line written directly: a request's line is most of what the console
/// prints, and Serilog's output-template formatter renders it through its general machinery (a template walk, a
/// structure and a filter over the properties, one renderer per token). The line written here is the same, character
/// for character, as <paramref name="general"/> writes it; any other event, or a request line whose values are not the
/// ones <see cref="RequestLog"/> sets, goes to <paramref name="general"/>.
/// </summary>
/// <param name="general">The output-template formatter of <c>[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}</c>.</param>
internal sealed class RequestLineTextFormatter(ITextFormatter general) : ITextFormatter
{
    private enum Role
    {
        // Listed in {Properties}: the source, the request id, the key's public id, an enricher's value.
        Listed,
        Method,
        Path,
        Status,
        Elapsed,
        // A name of the output template's own (Timestamp, Level, ...): the general formatter leaves it out of {Properties}.
        Hidden,
    }

    // By a switch on the name rather than a set: a set hashes the name, on every property of every line.
    private static Role RoleOf(string name) => name switch
    {
        RequestLog.MethodProperty => Role.Method,
        RequestLog.PathProperty => Role.Path,
        RequestLog.StatusProperty => Role.Status,
        RequestLog.ElapsedProperty => Role.Elapsed,
        "Timestamp" or "Level" or "Message" or "Properties" or "NewLine" => Role.Hidden,
        _ => Role.Listed,
    };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        if (!ReferenceEquals(logEvent.MessageTemplate, RequestLog.Template)
            || logEvent.Properties is not Dictionary<string, LogEventPropertyValue> properties
            || RequestValues(properties) is not ({ } method, { } path, var status, var elapsed))
        {
            general.Format(logEvent, output);
            return;
        }

        Span<char> buffer = stackalloc char[64];
        var time = logEvent.Timestamp;
        buffer[0] = '[';
        TwoDigits(buffer[1..], time.Hour);
        buffer[3] = ':';
        TwoDigits(buffer[4..], time.Minute);
        buffer[6] = ':';
        TwoDigits(buffer[7..], time.Second);
        buffer[9] = ' ';
        LevelCode(logEvent.Level).CopyTo(buffer[10..]);
        output.Write(buffer[..13]);
        output.Write("] HTTP ");
        output.Write(method);
        output.Write(' ');
        output.Write(path);
        output.Write(" responded ");
        WriteFormatted(output, buffer, status, format: default);
        output.Write(" in ");
        WriteFormatted(output, buffer, elapsed, "0.0000");
        output.Write(" ms {");
        var first = true;
        foreach (var (name, value) in properties)
        {
            if (RoleOf(name) != Role.Listed)
            {
                continue;
            }
            if (!first)
            {
                output.Write(',');
            }
            first = false;
            JsonValueFormatter.WriteQuotedJsonString(name, output);
            output.Write(':');
            JsonValueFormatter.WriteQuotedJsonString((string)((ScalarValue)value).Value!, output);
        }
        output.Write('}');
        output.Write(Environment.NewLine);
    }

    /// <summary>
    /// The line's four message values, when each is there with the type the request log gives it and every listed
    /// property is a string (the request id, the source, the key's public id, an enricher's text); otherwise none,
    /// and the general formatter renders the line.
    /// </summary>
    private static (string Method, string Path, int Status, double Elapsed)? RequestValues(Dictionary<string, LogEventPropertyValue> properties)
    {
        string? method = null, path = null;
        int? status = null;
        double? elapsed = null;
        foreach (var (name, value) in properties)
        {
            var scalar = (value as ScalarValue)?.Value;
            switch (RoleOf(name))
            {
                case Role.Method when scalar is string text:
                    method = text;
                    break;
                case Role.Path when scalar is string text:
                    path = text;
                    break;
                case Role.Status when scalar is int code:
                    status = code;
                    break;
                case Role.Elapsed when scalar is double ms:
                    elapsed = ms;
                    break;
                case Role.Hidden:
                case Role.Listed when scalar is string:
                    break;
                default:
                    return null;
            }
        }
        return method is not null && path is not null && status is not null && elapsed is not null
            ? (method, path, status.Value, elapsed.Value)
            : null;
    }

    private static void TwoDigits(Span<char> destination, int value)
    {
        destination[0] = (char)('0' + value / 10);
        destination[1] = (char)('0' + value % 10);
    }

    private static void WriteFormatted<T>(TextWriter output, Span<char> buffer, T value, ReadOnlySpan<char> format)
        where T : ISpanFormattable
    {
        if (value.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
        {
            output.Write(buffer[..written]);
        }
        else
        {
            output.Write(value.ToString(format.IsEmpty ? null : format.ToString(), CultureInfo.InvariantCulture));
        }
    }

    // Serilog's three-letter upper-case level names ({Level:u3}).
    private static string LevelCode(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };
}
