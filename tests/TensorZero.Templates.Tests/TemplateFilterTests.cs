using static TensorZero.Templates.Tests.TemplateExpressionTests;

namespace TensorZero.Templates.Tests;

public sealed class TemplateFilterTests
{
    private const string People = """
        {"people": [{"name": "Cy", "age": 41}, {"name": "ana", "age": 29}, {"name": "Bo", "age": 35}], "items": [1, 2, 3], "name": "Ada"}
        """;

    [Theory]
    [InlineData("{{ 'Hello'|upper }} {{ 'Hello'|lower }}", "HELLO hello")]
    [InlineData("{{ 'hello wORLD'|title }}", "Hello World")]
    [InlineData("{{ \"it's a-b\"|title }}", "It'S A-B")]
    [InlineData("{{ 'hELLO World'|capitalize }}", "Hello world")]
    [InlineData("[{{ '  x y \n'|trim }}] [{{ 'xxhixx'|trim('x') }}]", "[x y] [hi]")]
    [InlineData("{{ 'a-b-c'|replace('-', '+') }} {{ 'a-b-c'|replace('-', '', 1) }}", "a+b+c ab-c")]
    [InlineData("{{ '<a href=\"/x\">&\\'y\\''|escape }} {{ '<b>'|e }}", "&lt;a href=&quot;&#x2f;x&quot;&gt;&amp;&#x27;y&#x27; &lt;b&gt;")]
    [InlineData("{{ '<b>'|safe }}", "<b>")]
    [InlineData("{{ 5|string ~ 'x' }} {{ [1, 'a']|string }} {{ none|string }}", "5x [1, \"a\"] none")]
    [InlineData("{{ 'a b  c'|split }} {{ 'a,b'|split(',') }}", "[\"a\", \"b\", \"c\"] [\"a\", \"b\"]")]
    [InlineData("{{ '  Ada  '|trim|lower|replace('a', 'o') }}", "odo")]
    public void Render_TextFilters_TransformStrings(string source, string expected) =>
        Assert.Equal(expected, Render(source, People));

    [Theory]
    [InlineData("{{ 'a\nb\n\nc'|indent(2) }}", "a\n  b\n\n  c")]
    [InlineData("{{ 'a\nb\n\nc'|indent(2, true) }}", "  a\n  b\n\n  c")]
    [InlineData("{{ 'a\nb\n\nc\n'|indent(2, true, true) }}", "  a\n  b\n  \n  c")]
    [InlineData("{{ 'a\nb'|indent }}", "a\n    b")]
    public void Render_Indent_IndentsLinesLikeMiniJinja(string source, string expected) =>
        Assert.Equal(expected, Render(source, People));

    [Theory]
    [InlineData("{{ missing|default('n/a') }} {{ missing|d('x') }}", "n/a x")]
    [InlineData("[{{ ''|default('n/a') }}] [{{ ''|default('n/a', true) }}] [{{ 0|d('zero', true) }}]", "[] [n/a] [zero]")]
    [InlineData("{{ nothing|default('x') }}", "none")]
    [InlineData("[{{ missing|default }}]", "[]")]
    [InlineData("{{ missing.deep|default('deep') }}", "deep")]
    public void Render_Default_ReplacesOnlyUndefinedUnlessAskedForFalsy(string source, string expected) =>
        Assert.Equal(expected, Render(source, """{"nothing": null}"""));

    [Theory]
    [InlineData("{{ 'héllo'|length }} {{ items|length }} {{ {'a': 1, 'b': 2}|count }}", "5 3 2")]
    [InlineData("{{ items|join(', ') }} {{ items|join }} [{{ missing|join(',') }}]", "1, 2, 3 123 []")]
    [InlineData("{{ people|join(', ', attribute='name') }}", "Cy, ana, Bo")]
    [InlineData("{{ items|first }} {{ items|last }} {{ name|first }} {{ name|last }} [{{ []|first }}]", "1 3 A a []")]
    [InlineData("{{ items|reverse }} {{ name|reverse }}", "[3, 2, 1] adA")]
    [InlineData("{{ [3, 1, 2]|sort }} {{ [3, 1, 2]|sort(reverse=true) }}", "[1, 2, 3] [3, 2, 1]")]
    [InlineData("{{ ['b', 'a', 'C']|sort }} {{ ['b', 'a', 'C']|sort(case_sensitive=true) }}", "[\"a\", \"b\", \"C\"] [\"C\", \"a\", \"b\"]")]
    [InlineData("{{ people|sort(attribute='age')|map(attribute='name')|join(' ') }}", "ana Bo Cy")]
    [InlineData("{{ people|sort(attribute='name')|map(attribute='name')|list }}", "[\"ana\", \"Bo\", \"Cy\"]")]
    [InlineData("{{ [1, 2, 1, 3, 2]|unique }} {{ ['a', 'A', 'b']|unique }}", "[1, 2, 3] [\"a\", \"b\"]")]
    [InlineData("{{ 'abc'|list }} {{ {'b': 1, 'a': 2}|list }} {{ missing|list }}", "[\"a\", \"b\", \"c\"] [\"a\", \"b\"] []")]
    [InlineData("{{ {'b': 1, 'a': 2}|items }}", "[[\"a\", 2], [\"b\", 1]]")]
    [InlineData("{{ {'b': 1, 'A': 2, 'c': 0}|dictsort }}", "[[\"A\", 2], [\"b\", 1], [\"c\", 0]]")]
    [InlineData("{{ {'b': 1, 'A': 2, 'c': 0}|dictsort(by='value', reverse=true) }}", "[[\"A\", 2], [\"b\", 1], [\"c\", 0]]")]
    [InlineData("{{ {'b': 1, 'A': 2, 'c': 0}|dictsort(case_sensitive=true) }}", "[[\"A\", 2], [\"b\", 1], [\"c\", 0]]")]
    [InlineData("{{ [1, 2, 3, 4, 5]|batch(2) }} {{ [1, 2, 3]|batch(2, 0) }}", "[[1, 2], [3, 4], [5]] [[1, 2], [3, 0]]")]
    [InlineData("{{ items|sum }} {{ items|min }} {{ items|max }} {{ [1.5, 2]|sum }}", "6 1 3 3.5")]
    [InlineData("{{ items|select('odd') }} {{ items|reject('odd') }} {{ [0, 1, '', 'x']|select }}", "[1, 3] [2] [1, \"x\"]")]
    [InlineData("{{ people|selectattr('age', 'gt', 30)|map(attribute='name')|join(',') }}", "Cy,Bo")]
    [InlineData("{{ ['a', 'b']|map('upper')|join }}", "AB")]
    public void Render_CollectionFilters_WorkOnListsAndMaps(string source, string expected) =>
        Assert.Equal(expected, Render(source, People));

    [Theory]
    [InlineData("{{ '42'|int + 1 }} {{ 3.9|int }} {{ '3.9'|int }} {{ true|int }} {{ missing|int }}", "43 3 3 1 0")]
    [InlineData("{{ '2.5'|float }} {{ 2|float }} {{ '1e3'|float }}", "2.5 2.0 1000.0")]
    [InlineData("{{ -3|abs }} {{ (-2.5)|abs }}", "3 2.5")]
    [InlineData("{{ 42.55|round }} {{ 3.14159|round(2) }} {{ 2.5|round }} {{ 7|round }}", "43.0 3.14 3.0 7")]
    [InlineData("{{ 2.1|round(method='ceil') }} {{ 2.9|round(method='floor') }}", "3.0 2.0")]
    [InlineData("{{ 0|bool }} {{ 'x'|bool }}", "false true")]
    public void Render_NumberFilters_ConvertAndRound(string source, string expected) =>
        Assert.Equal(expected, Render(source, People));

    [Theory]
    [InlineData("{{ doc|tojson }}", "{\"a\":[1,2.5,true,null],\"b\":\"x\",\"c\":{}}")]
    [InlineData("{{ '<a&b\\'c>'|tojson }}", "\"\\u003ca\\u0026b\\u0027c\\u003e\"")]
    [InlineData("{{ 'line\nbreak \"q\" \\\\ é'|tojson }}", "\"line\\nbreak \\\"q\\\" \\\\ é\"")]
    [InlineData("{{ [1.0, 0.5, 1e20, 1e-7, 123456.789]|tojson }}", "[1.0,0.5,1e20,1e-7,123456.789]")]
    [InlineData("{{ {'a': 1, 'b': [1, 2], 'c': []}|tojson(indent=2) }}", "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": []\n}")]
    [InlineData("{{ {'a': 1}|tojson(true) }}", "{\n  \"a\": 1\n}")]
    [InlineData("{{ missing|tojson }} {{ none|tojson }} {{ 'x'|tojson }}", "null null \"x\"")]
    public void Render_ToJson_WritesCompactSortedHtmlSafeJson(string source, string expected) =>
        Assert.Equal(expected, Render(source, """{"doc": {"c": {}, "b": "x", "a": [1, 2.5, true, null]}}"""));
}
