using System.Text.Json.Nodes;

namespace TensorZero.Templates.Tests;

public sealed class TemplateErrorTests
{
    private static TemplateException ParseError(string source) =>
        Assert.Throws<TemplateException>(() => Template.Parse(source, "broken"));

    private static TemplateException RenderError(string source, string json = "{}", UndefinedBehavior behavior = UndefinedBehavior.Lenient) =>
        Assert.Throws<TemplateException>(() => Template.Parse(source, "broken", behavior).Render(JsonNode.Parse(json)!.AsObject()));

    [Fact]
    public void Parse_UnclosedVariable_ReportsEndOfTemplateWithLineAndColumn()
    {
        var error = ParseError("Hello {{ name");

        Assert.Equal("syntax error: unexpected end of template, expected `}}`", error.Detail);
        Assert.Equal(("broken", 1, 14), (error.TemplateName, error.Line, error.Column));
        Assert.Equal("syntax error: unexpected end of template, expected `}}` (in template `broken` at line 1, column 14)", error.Message);
    }

    [Theory]
    [InlineData("line 1\n{% if x %}\nbody", 2, 4, "syntax error: unclosed `{% if %}` block: expected `{% endif %}` before the end of the template")]
    [InlineData("{% for x in xs %}{% if x %}{% endfor %}", 1, 31, "syntax error: unexpected `{% endfor %}`, expected `{% endif %}`")]
    [InlineData("{% if x %}{% else %}{% else %}{% endif %}", 1, 24, "syntax error: unexpected `{% else %}`, expected `{% endif %}`")]
    [InlineData("a\n\n  {% endfor %}", 3, 6, "syntax error: unexpected `{% endfor %}` without a matching opening block")]
    [InlineData("{{ 1 + }}", 1, 8, "syntax error: unexpected `}}`, expected an expression")]
    [InlineData("{% frobnicate %}", 1, 4, "syntax error: unknown statement `frobnicate`")]
    [InlineData("{% with a = 1 %}{% endwith %}", 1, 4, "syntax error: `{% with %}` is not supported by the gateway's template engine")]
    [InlineData("x {{ 'abc }}", 1, 6, "syntax error: unterminated string")]
    [InlineData("{{ a $ b }}", 1, 6, "syntax error: unexpected character `$`")]
    [InlineData("ok\n{# never closed", 2, 1, "syntax error: unclosed comment: expected `#}`")]
    [InlineData("{% raw %}never closed", 1, 1, "syntax error: unclosed `{% raw %}` block: expected `{% endraw %}`")]
    [InlineData("{% for x in %}{% endfor %}", 1, 13, "syntax error: unexpected `%}`, expected an expression")]
    [InlineData("{% for 1 in xs %}{% endfor %}", 1, 8, "syntax error: unexpected number, expected a name")]
    [InlineData("{{ x | }}", 1, 8, "syntax error: unexpected `}}`, expected a name")]
    [InlineData("{{ f(a=1, 2) }}", 1, 11, "syntax error: positional argument after keyword argument")]
    [InlineData("{{ 'a\\q' }}", 1, 6, "syntax error: invalid escape sequence `\\q` in string")]
    [InlineData("{% set x %}", 1, 4, "syntax error: unclosed `{% set %}` block: expected `{% endset %}` before the end of the template")]
    [InlineData("{{ x }", 1, 7, "syntax error: unexpected end of template, expected `}}`")]
    public void Parse_InvalidSyntax_ThrowsWithLocation(string source, int line, int column, string detail)
    {
        var error = ParseError(source);

        Assert.Equal((detail, line, column), (error.Detail, error.Line, error.Column));
    }

    [Theory]
    [InlineData("line 1\n  {{ name|frobnicate }}", 2, 11, "unknown filter `frobnicate`")]
    [InlineData("{% if x is frobbed %}{% endif %}", 1, 12, "unknown test `frobbed`")]
    [InlineData("{{ 1 + 'a' }}", 1, 6, "tried to use `+` operator on unsupported types number and string")]
    [InlineData("{{ 10 // 0 }}", 1, 7, "division by zero")]
    [InlineData("{{ [1]|join(',', 'x', 3) }}", 1, 8, "filter `join` takes at most 2 arguments, got 3")]
    [InlineData("{{ [1]|sort(order='asc') }}", 1, 8, "filter `sort` got an unexpected keyword argument `order`")]
    [InlineData("{{ 5|length }}", 1, 6, "cannot calculate the length of a value of type number")]
    [InlineData("{% for x in 5 %}{% endfor %}", 1, 13, "value of type number is not iterable")]
    [InlineData("{% for a, b in [[1, 2, 3]] %}{% endfor %}", 1, 4, "cannot unpack a sequence of 3 items into 2 variables")]
    [InlineData("{{ 'abc'|int }}", 1, 10, "cannot convert string \"abc\" to an integer")]
    [InlineData("{{ nope(1) }}", 1, 4, "unknown function `nope`")]
    [InlineData("{{ [1].items() }}", 1, 8, "sequence has no method `items`")]
    [InlineData("{{ {1: 'a'} }}", 1, 5, "map keys must be strings, got number")]
    [InlineData("{{ 9223372036854775807 + 1 }}", 1, 24, "integer overflow in `+`")]
    public void Render_InvalidOperation_ThrowsWithLocation(string source, int line, int column, string detail)
    {
        var error = RenderError(source);

        Assert.Equal((detail, line, column), (error.Detail, error.Line, error.Column));
    }

    [Theory]
    [InlineData("Hello {{ name }}!", 1, 10, "undefined value: `name` is not defined")]
    [InlineData("{{ user.missing }}", 1, 9, "undefined value: `missing` is not defined")]
    [InlineData("{{ missing.attr }}", 1, 12, "undefined value: `missing` is not defined")]
    [InlineData("{% if missing %}{% endif %}", 1, 7, "undefined value: `missing` is not defined")]
    [InlineData("{% for x in missing %}{% endfor %}", 1, 13, "undefined value: `missing` is not defined")]
    [InlineData("{{ missing|upper }}", 1, 12, "undefined value: `missing` is not defined")]
    [InlineData("{{ 'a' ~ missing }}", 1, 8, "undefined value: `missing` is not defined")]
    public void Render_StrictMode_RejectsUndefinedValues(string source, int line, int column, string detail)
    {
        var error = RenderError(source, """{"user": {}}""", UndefinedBehavior.Strict);

        Assert.Equal((detail, line, column), (error.Detail, error.Line, error.Column));
    }

    [Fact]
    public void Render_StrictMode_AllowsDefinedTestsAndDefaults()
    {
        var template = Template.Parse(
            "{% if missing is defined %}a{% else %}b{% endif %}{{ missing|default('c') }}{{ user.missing|d('d') }}{{ present }}",
            "strict",
            UndefinedBehavior.Strict);

        Assert.Equal("bcdp", template.Render(new JsonObject { ["user"] = new JsonObject(), ["present"] = "p" }));
    }
}
