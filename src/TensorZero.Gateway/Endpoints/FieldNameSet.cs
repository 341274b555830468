using System.Collections.Frozen;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// A fixed set of field names, looked up from a property's name as the document holds it (UTF-8): reading
/// <see cref="JsonProperty.Name"/> makes a new string, and every request's top-level fields are checked against one.
/// </summary>
public sealed class FieldNameSet
{
    // Longer names (none of the sets' own) and escaped ones are looked up through their string.
    private const int MaxChars = 64;

    private readonly FrozenSet<string> _names;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _spans;

    public FieldNameSet(params IEnumerable<string> names)
    {
        _names = names.ToFrozenSet(StringComparer.Ordinal);
        _spans = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool Contains(JsonProperty property)
    {
        var utf8 = JsonMarshal.GetRawUtf8PropertyName(property);
        if (utf8.Length > MaxChars || utf8.Contains((byte)'\\'))
        {
            return _names.Contains(property.Name);
        }
        // A document's text is valid UTF-8, and UTF-8 never takes fewer bytes than UTF-16 takes characters.
        Span<char> chars = stackalloc char[MaxChars];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        return _spans.Contains(chars[..length]);
    }
}
