namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Splits <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning out of content, as open-weight reasoning models served by
/// Together and Fireworks emit it.
/// </summary>
public static class ThinkTags
{
    public const string Open = "<think>";
    public const string Close = "</think>";

    /// <summary>The thought inside the tags and the text around them (leading whitespace after the block removed).</summary>
    public static (string Thought, string Text) Split(string content)
    {
        var open = content.IndexOf(Open, StringComparison.Ordinal);
        if (open < 0)
        {
            return (string.Empty, content);
        }
        var start = open + Open.Length;
        var close = content.IndexOf(Close, start, StringComparison.Ordinal);
        if (close < 0)
        {
            return (content[start..], content[..open]);
        }
        return (content[start..close], content[..open] + content[(close + Close.Length)..].TrimStart());
    }
}

/// <summary>
/// The streaming form of <see cref="ThinkTags"/>: a tag may be cut across chunks, so a possible tag prefix at the end
/// of a piece is held back until the next one.
/// </summary>
public sealed class ThinkTagSplitter
{
    private string _pending = string.Empty;
    private bool _inThought;

    /// <summary>Feeds one piece of content; returns the pieces that are now certain, each marked thought or text.</summary>
    public IReadOnlyList<(bool IsThought, string Text)> Push(string piece)
    {
        var output = new List<(bool, string)>();
        var rest = _pending + piece;
        _pending = string.Empty;
        while (rest.Length > 0)
        {
            var tag = _inThought ? ThinkTags.Close : ThinkTags.Open;
            var at = rest.IndexOf(tag, StringComparison.Ordinal);
            if (at >= 0)
            {
                if (at > 0)
                {
                    output.Add((_inThought, rest[..at]));
                }
                _inThought = !_inThought;
                rest = rest[(at + tag.Length)..];
                continue;
            }
            var held = HeldBack(rest, tag);
            if (held < rest.Length)
            {
                output.Add((_inThought, rest[..^held]));
            }
            _pending = rest[^held..];
            break;
        }
        return output;
    }

    /// <summary>What was held back when the stream ends.</summary>
    public (bool IsThought, string Text)? Flush()
    {
        if (_pending.Length == 0)
        {
            return null;
        }
        var last = (_inThought, _pending);
        _pending = string.Empty;
        return last;
    }

    // The length of the longest end of `text` that could be the start of `tag`.
    private static int HeldBack(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(tag.AsSpan(0, length)))
            {
                return length;
            }
        }
        return 0;
    }
}
