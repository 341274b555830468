using System.Text.Json.Nodes;

namespace TensorZero.Templates.Tests;

public sealed class TemplateExpressionTests
{
    private const string Context = """
        {
          "name": "Ada", "n": 7, "f": 1.5, "whole": 2.0, "flag": true, "nothing": null,
          "items": [1, 2, 3], "empty": [], "user": {"tags": ["a", "b"], "name": "Ada"}
        }
        """;

    internal static string Render(string source, string json = Context) =>
        Template.Parse(source, "test").Render(JsonNode.Parse(json)!.AsObject());

    [Theory]
    [InlineData("{{ 'single' }}", "single")]
    [InlineData("{{ \"it's\" }}", "it's")]
    [InlineData("{{ 'tab\\there \\'q\\' \\u00e9' }}", "tab\there 'q' é")]
    [InlineData("{{ 'a' 'b' }}", "ab")]
    [InlineData("{{ 42 }}", "42")]
    [InlineData("{{ 1_000 }}", "1000")]
    [InlineData("{{ 1.5 }}", "1.5")]
    [InlineData("{{ 2.0 }}", "2.0")]
    [InlineData("{{ 1e20 }}", "100000000000000000000.0")]
    [InlineData("{{ true }} {{ True }} {{ false }} {{ False }}", "true true false false")]
    [InlineData("{{ none }} {{ None }}", "none none")]
    [InlineData("{{ [1, 'a', none, [true]] }}", "[1, \"a\", none, [true]]")]
    [InlineData("{{ {'b': 1, 'a': 'x\"y'} }}", "{\"a\": \"x\\\"y\", \"b\": 1}")]
    [InlineData("{{ (1, 2) }}", "[1, 2]")]
    public void Render_Literals_PrintLikeMiniJinja(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ name }}", "Ada")]
    [InlineData("{{ n }} {{ f }} {{ whole }}", "7 1.5 2.0")]
    [InlineData("{{ flag }} {{ nothing }}", "true none")]
    [InlineData("{{ items }}", "[1, 2, 3]")]
    [InlineData("{{ user }}", "{\"name\": \"Ada\", \"tags\": [\"a\", \"b\"]}")]
    [InlineData("{{ user.name }} {{ user['name'] }}", "Ada Ada")]
    [InlineData("{{ items[0] }} {{ items[-1] }} {{ items.1 }}", "1 3 2")]
    [InlineData("{{ user.tags[1] }}", "b")]
    [InlineData("{{ items[1:] }} {{ items[:-1] }} {{ items[::2] }}", "[2, 3] [1, 2] [1, 3]")]
    [InlineData("{{ name[::-1] }} {{ name[1] }}", "adA d")]
    public void Render_VariablesAndLookups_ResolveAgainstContext(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ missing }}", "")]
    [InlineData("[{{ missing.attr.deeper }}]", "[]")]
    [InlineData("[{{ missing['x'][0] }}]", "[]")]
    [InlineData("[{{ user.missing }}]", "[]")]
    [InlineData("[{{ items[10] }}]", "[]")]
    [InlineData("[{{ nothing.attr }}]", "[]")]
    [InlineData("{% if missing %}yes{% else %}no{% endif %}", "no")]
    [InlineData("{% if not missing.attr %}falsy{% endif %}", "falsy")]
    [InlineData("{% for x in missing %}{{ x }}{% else %}empty{% endfor %}", "empty")]
    public void Render_UndefinedInLenientMode_IsEmptyAndFalsy(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ (1 + 2) * 3 }}", "9")]
    [InlineData("{{ 7 / 2 }} {{ 4 / 2 }}", "3.5 2.0")]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }}", "3 -4")]
    [InlineData("{{ 7 % 3 }} {{ -7 % 3 }}", "1 2")]
    [InlineData("{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }}", "1024 0.5 64")]
    [InlineData("{{ 1 + 1.5 }} {{ 0.1 + 0.2 }}", "2.5 0.30000000000000004")]
    [InlineData("{{ 7.5 // 2 }} {{ 7.5 % 2 }}", "3.0 1.5")]
    [InlineData("{{ -n }} {{ +n }} {{ -f }}", "-7 7 -1.5")]
    [InlineData("{{ 'a' ~ 1 ~ none ~ true ~ missing }}", "a1nonetrue")]
    [InlineData("{{ 'ab' + 'cd' }} {{ [1] + [2] }} {{ 'ab' * 2 }}", "abcd [1, 2] abab")]
    [InlineData("{{ 1 ~ 2 * 3 }}", "16")]
    public void Render_Arithmetic_FollowsMiniJinja(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ [1, 2] == [1, 2] }}", "true true true")]
    [InlineData("{{ 2 < 10 }} {{ 'b' > 'a' }} {{ n >= 7 }} {{ n <= 6 }}", "true true true false")]
    [InlineData("{{ 2 in items }} {{ 5 not in items }} {{ 'da' in name }} {{ 'name' in user }}", "true true true true")]
    [InlineData("{{ not flag }} {{ not empty }} {{ not not n }}", "false true true")]
    [InlineData("{{ nothing or 'fallback' }} {{ name and n }} [{{ 0 or '' }}]", "fallback 7 []")]
    [InlineData("{{ 1 == 1 and 2 > 3 or 'x' }}", "x")]
    [InlineData("{{ 'yes' if flag else 'no' }} {{ 'yes' if empty else 'no' }}", "yes no")]
    [InlineData("[{{ 'shown' if missing }}]", "[]")]
    [InlineData("{{ 'a' if false else 'b' if false else 'c' }}", "c")]
    public void Render_ComparisonsAndLogic_FollowJinja(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ 0 or [] or {} or '' or none or 'truthy' }}", "truthy")]
    [InlineData("{% if 0.0 %}t{% else %}f{% endif %}{% if 'x' %}t{% endif %}{% if [0] %}t{% endif %}", "ftt")]
    [InlineData("{% if {} %}t{% else %}f{% endif %}{% if nothing %}t{% else %}f{% endif %}", "ff")]
    public void Render_Truthiness_MatchesJinja(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ name is defined }} {{ missing is defined }} {{ missing is undefined }}", "true false true")]
    [InlineData("{{ nothing is none }} {{ n is not none }} {{ missing is not defined }}", "true true true")]
    [InlineData("{{ n is number }} {{ f is number }} {{ name is number }}", "true true false")]
    [InlineData("{{ name is string }} {{ user is mapping }} {{ items is sequence }} {{ name is sequence }}", "true true true false")]
    [InlineData("{{ n is odd }} {{ n is even }} {{ 4 is even }}", "true false true")]
    [InlineData("{{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }}", "true false")]
    [InlineData("{{ name is startingwith('A') }} {{ name is endingwith 'x' }}", "true false")]
    [InlineData("{{ n is eq 7 }} {{ 2 is in(items) }} {{ flag is true }} {{ flag is boolean }}", "true true true true")]
    [InlineData("{{ not missing is defined }}", "true")]
    public void Render_Tests_ClassifyValues(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Theory]
    [InlineData("{{ range(3) }} {{ range(1, 10, 3) }} {{ range(3, 0, -1) }}", "[0, 1, 2] [1, 4, 7] [3, 2, 1]")]
    [InlineData("{{ user.items() }}", "[[\"name\", \"Ada\"], [\"tags\", [\"a\", \"b\"]]]")]
    [InlineData("{{ user.keys() }} {{ user.values()|length }}", "[\"name\", \"tags\"] 2")]
    [InlineData("{{ user.get('name') }} {{ user.get('x', 'dflt') }} {{ user.get('x') }}", "Ada dflt none")]
    [InlineData("{{ dict(b=1, a=2) }}", "{\"a\": 2, \"b\": 1}")]
    public void Render_FunctionsAndMethods_Work(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Fact]
    public void Render_ContextBuiltInCode_ReadsClrNumbersAsIntsAndFloats()
    {
        var template = Template.Parse("{{ i }} {{ l }} {{ d }} {{ w }} {{ m }} {{ b }} {{ s }}", "clr");

        var output = template.Render(new JsonObject
        {
            ["i"] = 5, ["l"] = 6L, ["d"] = 2.5, ["w"] = 3.0, ["m"] = 1.25m, ["b"] = false, ["s"] = "text",
        });

        Assert.Equal("5 6 2.5 3.0 1.25 false text", output);
    }

    [Fact]
    public void Render_ContextWithNonStringClrValues_PrintsTheirJsonText()
    {
        var template = Template.Parse("{{ id }} {{ at }} {{ letter }}", "clr");

        var output = template.Render(new JsonObject
        {
            ["id"] = Guid.Parse("0196a0c2-0000-7000-8000-000000000001"),
            ["at"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            ["letter"] = JsonValue.Create('x'),
        });

        Assert.Equal("0196a0c2-0000-7000-8000-000000000001 2026-01-02T03:04:05Z x", output);
    }

    [Fact]
    public void Render_SameTemplateOnManyThreads_GivesEachItsOwnOutput()
    {
        var template = Template.Parse("{% for x in items %}{{ loop.index }}:{{ x }}{% set last = x %}{% endfor %}-{{ name }}", "shared");

        Parallel.For(0, 200, i =>
        {
            var context = new JsonObject { ["items"] = new JsonArray(i, i + 1), ["name"] = $"n{i}" };
            Assert.Equal($"1:{i}2:{i + 1}-n{i}", template.Render(context));
        });
    }

    [Fact]
    public void Render_NullContext_TreatsEverythingAsUndefined() =>
        Assert.Equal("Hello !", Template.Parse("Hello {{ name }}!", "t").Render(null));

    [Fact]
    public void Render_CalledTwice_UsesEachContext()
    {
        var template = Template.Parse("Hi {{ name }}", "reuse");

        Assert.Equal("Hi A", template.Render(new JsonObject { ["name"] = "A" }));
        Assert.Equal("Hi B", template.Render(new JsonObject { ["name"] = "B" }));
    }
}
