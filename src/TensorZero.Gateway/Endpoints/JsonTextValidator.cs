using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Rejects request bodies with strings that can't become text: a lone UTF-16 surrogate written as an escape
/// (<c>"\ud800"</c>) or bytes that aren't UTF-8. System.Text.Json parses such a document and only throws when the
/// string is read, wherever that happens; checking once, before any parser runs, makes it one 400 naming the field.
/// A clean body costs one vectorized UTF-8 check and a scan for <c>\uD8</c>..<c>\uDF</c>.
/// </summary>
public static class JsonTextValidator
{
    public static void Validate(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json) && !HasSurrogateEscape(json))
        {
            return;
        }
        if (FindInvalidString(json) is { } problem)
        {
            throw GatewayError.InvalidRequest($"{problem} (a lone surrogate escape such as `\\ud800`, or bytes that are not UTF-8)");
        }
    }

    /// <summary>Whether <paramref name="json"/> has an escape in <c>\uD800</c>-<c>\uDFFF</c> (either case).</summary>
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var rest = json;
        int at;
        while ((at = rest.IndexOf("\\u"u8)) >= 0)
        {
            rest = rest[(at + 2)..];
            if (rest.Length >= 2 && (rest[0] | 0x20) == 'd' && (rest[1] is (byte)'8' or (byte)'9' || (rest[1] | 0x20) is >= 'a' and <= 'f'))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Where the first string or property name that can't be read is, as <c>`a.b[0]`: ...</c>; null if none.</summary>
    private static string? FindInvalidString(ReadOnlySpan<byte> json)
    {
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.Comment)
                    && frames.Count > 0 && frames[^1].IsArray)
                {
                    frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
                }
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        frames.Add(new Frame(IsArray: false, Index: -1, Property: null));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Add(new Frame(IsArray: true, Index: -1, Property: null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        if (!IsReadable(ref reader, out var name))
                        {
                            return $"{Path(frames, frames.Count - 1)}: has a property name that is not valid Unicode text";
                        }
                        frames[^1] = frames[^1] with { Property = name };
                        break;
                    case JsonTokenType.String when !IsReadable(ref reader, out _):
                        return $"{Path(frames, frames.Count)}: is not valid Unicode text";
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the parser that runs next reports where it breaks.
        }
        return null;
    }

    private static bool IsReadable(ref Utf8JsonReader reader, out string? text)
    {
        text = null;
        if (Utf8.IsValid(reader.ValueSpan) && !(reader.ValueIsEscaped && HasSurrogateEscape(reader.ValueSpan)))
        {
            text = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString() : null;
            return true;
        }
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The field the first <paramref name="count"/> frames lead to, as the parsers' messages name it.</summary>
    private static string Path(List<Frame> frames, int count)
    {
        if (count == 0)
        {
            return "the request body";
        }
        var path = new StringBuilder("`");
        foreach (var frame in frames.Take(count))
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Property is not null)
            {
                path.Append(path.Length == 1 ? string.Empty : ".").Append(frame.Property);
            }
        }
        return path.Append('`').ToString();
    }

    private readonly record struct Frame(bool IsArray, int Index, string? Property);
}
