using System.Globalization;
using System.Text;

namespace TensorZero.Templates;

internal enum TokenKind
{
    Text,
    VariableStart,
    VariableEnd,
    BlockStart,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

/// <summary>One token; <see cref="Text"/> is the unescaped value of a string literal and the spelling of anything else.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, long Integer = 0, double Float = 0);

/// <summary>
/// Splits a template into text and tag tokens, applying whitespace control (<c>{%-</c>, <c>-%}</c>, ...), dropping
/// comments and passing <c>{% raw %}</c> content through as text. Expression tokens inside tags come out one by one.
/// </summary>
internal sealed class Lexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "|", ".", ",", ":", "(", ")", "[", "]", "{", "}"];

    private readonly string _source;
    private readonly Func<int, string, TemplateException> _syntaxError;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private bool _trimNextText;

    private Lexer(string source, Func<int, string, TemplateException> syntaxError)
    {
        _source = source;
        _syntaxError = syntaxError;
    }

    public static List<Token> Tokenize(string source, Func<int, string, TemplateException> syntaxError)
    {
        var lexer = new Lexer(source, syntaxError);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var open = FindTagOpening(_pos);
            var end = open < 0 ? _source.Length : open;
            var trimBefore = open >= 0 && open + 2 < _source.Length && _source[open + 2] == '-';
            EmitText(_pos, end, _trimNextText, trimBefore);
            _trimNextText = false;
            if (open < 0)
            {
                break;
            }
            switch (_source[open + 1])
            {
                case '#':
                    LexComment(open);
                    break;
                case '%':
                    if (!TryLexRaw(open))
                    {
                        LexTag(open, isBlock: true);
                    }
                    break;
                default:
                    LexTag(open, isBlock: false);
                    break;
            }
        }
        _tokens.Add(new Token(TokenKind.End, "", _source.Length));
    }

    private int FindTagOpening(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }
        return -1;
    }

    private void EmitText(int start, int end, bool trimStart, bool trimEnd)
    {
        while (trimStart && start < end && char.IsWhiteSpace(_source[start]))
        {
            start++;
        }
        while (trimEnd && end > start && char.IsWhiteSpace(_source[end - 1]))
        {
            end--;
        }
        if (end > start)
        {
            _tokens.Add(new Token(TokenKind.Text, _source[start..end], start));
        }
    }

    private void LexComment(int open)
    {
        var close = _source.IndexOf("#}", open + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw _syntaxError(open, "unclosed comment: expected `#}`");
        }
        _trimNextText = close > open + 2 && _source[close - 1] == '-';
        _pos = close + 2;
    }

    /// <summary>Reads <c>{% raw %}...{% endraw %}</c> as one text token; false if the tag is not <c>raw</c>.</summary>
    private bool TryLexRaw(int open)
    {
        var i = open + 2;
        if (i < _source.Length && _source[i] is '-' or '+')
        {
            i++;
        }
        if (!MatchTagWord(ref i, "raw", out var trimContentStart))
        {
            return false;
        }
        for (var search = _source.IndexOf("{%", i, StringComparison.Ordinal); search >= 0; search = _source.IndexOf("{%", search + 2, StringComparison.Ordinal))
        {
            var j = search + 2;
            var trimContentEnd = j < _source.Length && _source[j] == '-';
            if (trimContentEnd || (j < _source.Length && _source[j] == '+'))
            {
                j++;
            }
            if (MatchTagWord(ref j, "endraw", out var trimAfter))
            {
                EmitText(i, search, trimContentStart, trimContentEnd);
                _trimNextText = trimAfter;
                _pos = j;
                return true;
            }
        }
        throw _syntaxError(open, "unclosed `{% raw %}` block: expected `{% endraw %}`");
    }

    /// <summary>Matches <c>word</c>, then an optional <c>-</c> and <c>%}</c>; advances past the tag on success.</summary>
    private bool MatchTagWord(ref int i, string word, out bool trimAfter)
    {
        trimAfter = false;
        var j = SkipWhitespace(i);
        if (string.CompareOrdinal(_source, j, word, 0, word.Length) != 0)
        {
            return false;
        }
        j = SkipWhitespace(j + word.Length);
        if (j < _source.Length && _source[j] == '-')
        {
            trimAfter = true;
            j++;
        }
        if (string.CompareOrdinal(_source, j, "%}", 0, 2) != 0)
        {
            return false;
        }
        i = j + 2;
        return true;
    }

    private int SkipWhitespace(int i)
    {
        while (i < _source.Length && char.IsWhiteSpace(_source[i]))
        {
            i++;
        }
        return i;
    }

    private void LexTag(int open, bool isBlock)
    {
        _tokens.Add(new Token(isBlock ? TokenKind.BlockStart : TokenKind.VariableStart, isBlock ? "{%" : "{{", open));
        var close = isBlock ? "%}" : "}}";
        var i = open + 2;
        if (i < _source.Length && (_source[i] == '-' || (isBlock && _source[i] == '+')))
        {
            i++;
        }
        var depth = 0;
        while (true)
        {
            i = SkipWhitespace(i);
            if (i >= _source.Length)
            {
                throw _syntaxError(_source.Length, $"unexpected end of template, expected `{close}`");
            }
            var atClose = isBlock || depth == 0;
            // `-%}` trims the whitespace that follows; `+%}` (trim_blocks off, already our default) does not.
            if (atClose && (_source[i] == '-' || (isBlock && _source[i] == '+')) && string.CompareOrdinal(_source, i + 1, close, 0, 2) == 0)
            {
                _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, close, i));
                _trimNextText = _source[i] == '-';
                _pos = i + 3;
                return;
            }
            if (atClose && string.CompareOrdinal(_source, i, close, 0, 2) == 0)
            {
                _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, close, i));
                _pos = i + 2;
                return;
            }
            i = LexExpressionToken(i, ref depth);
        }
    }

    private int LexExpressionToken(int i, ref int depth)
    {
        var c = _source[i];
        if (char.IsLetter(c) || c == '_')
        {
            var end = i + 1;
            while (end < _source.Length && (char.IsLetterOrDigit(_source[end]) || _source[end] == '_'))
            {
                end++;
            }
            _tokens.Add(new Token(TokenKind.Name, _source[i..end], i));
            return end;
        }
        if (char.IsAsciiDigit(c))
        {
            return LexNumber(i);
        }
        if (c is '"' or '\'')
        {
            return LexString(i);
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_source, i, op, 0, op.Length) == 0)
            {
                depth += op switch { "(" or "[" or "{" => 1, ")" or "]" or "}" => -1, _ => 0 };
                _tokens.Add(new Token(TokenKind.Operator, op, i));
                return i + op.Length;
            }
        }
        throw _syntaxError(i, $"unexpected character `{c}`");
    }

    private int LexNumber(int start)
    {
        var i = start;
        var isFloat = false;
        i = SkipDigits(i);
        if (i + 1 < _source.Length && _source[i] == '.' && char.IsAsciiDigit(_source[i + 1]))
        {
            isFloat = true;
            i = SkipDigits(i + 1);
        }
        if (i < _source.Length && _source[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < _source.Length && _source[j] is '+' or '-')
            {
                j++;
            }
            if (j < _source.Length && char.IsAsciiDigit(_source[j]))
            {
                isFloat = true;
                i = SkipDigits(j);
            }
        }
        var text = _source[start..i].Replace("_", "", StringComparison.Ordinal);
        if (!isFloat && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            _tokens.Add(new Token(TokenKind.Integer, text, start, Integer: integer));
        }
        else
        {
            _tokens.Add(new Token(TokenKind.Float, text, start, Float: double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return i;
    }

    private int SkipDigits(int i)
    {
        while (i < _source.Length && (char.IsAsciiDigit(_source[i]) || _source[i] == '_'))
        {
            i++;
        }
        return i;
    }

    private int LexString(int start)
    {
        var quote = _source[start];
        var builder = new StringBuilder();
        var i = start + 1;
        while (i < _source.Length && _source[i] != quote)
        {
            if (_source[i] != '\\')
            {
                builder.Append(_source[i++]);
                continue;
            }
            if (i + 1 >= _source.Length)
            {
                break;
            }
            var escaped = _source[i + 1];
            i += 2;
            switch (escaped)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case '\\' or '"' or '\'' or '/': builder.Append(escaped); break;
                case 'u' when i + 4 <= _source.Length
                    && ushort.TryParse(_source.AsSpan(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    i += 4;
                    break;
                default:
                    throw _syntaxError(i - 2, $"invalid escape sequence `\\{escaped}` in string");
            }
        }
        if (i >= _source.Length)
        {
            throw _syntaxError(start, "unterminated string");
        }
        _tokens.Add(new Token(TokenKind.String, builder.ToString(), start));
        return i + 1;
    }
}
