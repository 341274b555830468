using static TensorZero.Templates.Tests.TemplateExpressionTests;

namespace TensorZero.Templates.Tests;

public sealed class TemplateStatementTests
{
    [Theory]
    [InlineData(3, "small")]
    [InlineData(7, "medium")]
    [InlineData(12, "big")]
    public void Render_IfElifElse_PicksFirstTrueBranch(int n, string expected) =>
        Assert.Equal(expected, Render("{% if n > 10 %}big{% elif n > 5 %}medium{% else %}small{% endif %}", $$"""{"n": {{n}}}"""));

    [Fact]
    public void Render_IfWithoutElse_RendersNothingWhenFalse() =>
        Assert.Equal("[]", Render("[{% if false %}x{% endif %}]"));

    [Fact]
    public void Render_ForLoop_ExposesLoopIndexAndLength() =>
        Assert.Equal(
            "1/3:1, 2/3:2, 3/3:3",
            Render("{% for x in items %}{{ loop.index }}/{{ loop.length }}:{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}"));

    [Fact]
    public void Render_ForLoop_ExposesIndex0FirstLastAndRevindex() =>
        Assert.Equal(
            "0 true false 3 2|1 false false 2 1|2 false true 1 0|",
            Render("{% for x in items %}{{ loop.index0 }} {{ loop.first }} {{ loop.last }} {{ loop.revindex }} {{ loop.revindex0 }}|{% endfor %}"));

    [Fact]
    public void Render_ForLoop_ExposesPreviousAndNextItems() =>
        Assert.Equal("-12 123 23- ", Render("{% for x in items %}{{ loop.previtem|default('-') }}{{ x }}{{ loop.nextitem|default('-') }} {% endfor %}"));

    [Fact]
    public void Render_ForElse_RendersElseForEmptySequence() =>
        Assert.Equal("nothing", Render("{% for x in empty %}{{ x }}{% else %}nothing{% endfor %}"));

    [Fact]
    public void Render_ForOverItemsMethod_UnpacksKeyAndValue() =>
        Assert.Equal("name=Ada;tags=[\"a\", \"b\"];", Render("{% for k, v in user.items() %}{{ k }}={{ v }};{% endfor %}"));

    [Fact]
    public void Render_ForWithParenthesizedTargets_Unpacks() =>
        Assert.Equal("a1b2", Render("{% for (k, v) in [['a', 1], ['b', 2]] %}{{ k }}{{ v }}{% endfor %}"));

    [Fact]
    public void Render_ForOverMap_YieldsKeysInSortedOrder() =>
        Assert.Equal("apple banana cherry ", Render("{% for k in d %}{{ k }} {% endfor %}", """{"d": {"cherry": 1, "apple": 2, "banana": 3}}"""));

    [Fact]
    public void Render_ForOverString_YieldsCharacters() =>
        Assert.Equal("A.d.a.", Render("{% for c in name %}{{ c }}.{% endfor %}"));

    [Fact]
    public void Render_ForWithFilter_SkipsItemsAndCountsOnlyKeptOnes() =>
        Assert.Equal("1/2:1 2/2:3 ", Render("{% for x in items if x is odd %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}"));

    [Fact]
    public void Render_NestedLoops_EachHasItsOwnLoopVariable() =>
        Assert.Equal(
            "1:[1.1 1.2] 2:[2.1 2.2] ",
            Render("{% for a in [1, 2] %}{{ loop.index }}:[{% for b in [1, 2] %}{{ a }}.{{ loop.index }}{{ ' ' if not loop.last }}{% endfor %}] {% endfor %}"));

    [Fact]
    public void Render_BreakAndContinue_ControlTheLoop() =>
        Assert.Equal("13|1", Render("{% for x in items %}{% if x == 2 %}{% continue %}{% endif %}{{ x }}{% endfor %}|{% for x in items %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}"));

    [Fact]
    public void Render_LoopCycle_AlternatesValues() =>
        Assert.Equal("odd even odd ", Render("{% for x in items %}{{ loop.cycle('odd', 'even') }} {% endfor %}"));

    [Fact]
    public void Render_Set_AssignsVariable() =>
        Assert.Equal("Hi Ada!", Render("{% set greeting = 'Hi ' ~ name %}{{ greeting }}!"));

    [Fact]
    public void Render_SetShadowsContextVariable() =>
        Assert.Equal("Bo", Render("{% set name = 'Bo' %}{{ name }}"));

    [Fact]
    public void Render_SetInsideLoop_DoesNotLeakOutOfTheLoop() =>
        Assert.Equal("3 1", Render("{% set x = 1 %}{% for i in items %}{% set x = i %}{% endfor %}{% for i in items %}{% set x = i %}{% if loop.last %}{{ x }}{% endif %}{% endfor %} {{ x }}"));

    [Fact]
    public void Render_SetBlock_CapturesRenderedText() =>
        Assert.Equal("[Hello Ada]", Render("{% set body %}Hello {{ name }}{% endset %}[{{ body }}]"));

    [Fact]
    public void Render_SetWithTuple_Unpacks() =>
        Assert.Equal("21", Render("{% set a, b = [1, 2] %}{{ b }}{{ a }}"));

    [Fact]
    public void Render_Comment_IsDropped() =>
        Assert.Equal("ab", Render("a{# a comment with {{ tags }} and\nnewlines #}b"));

    [Fact]
    public void Render_RawBlock_KeepsTagsVerbatim() =>
        Assert.Equal("{{ not rendered }} {% if %}", Render("{% raw %}{{ not rendered }} {% if %}{% endraw %}"));

    [Fact]
    public void Render_Macro_RendersWithArgumentsAndDefaults() =>
        Assert.Equal(
            "Hi Bo! Hi Al?",
            Render("{% macro greet(who, punct='!') %}Hi {{ who }}{{ punct }}{% endmacro %}{{ greet('Bo') }} {{ greet('Al', punct='?') }}"));

    [Fact]
    public void Render_Macro_SeesTemplateVariablesButNotCallerLoopVariables() =>
        Assert.Equal("Ada-[] Ada-[] ", Render("{% macro show() %}{{ name }}-[{{ x }}]{% endmacro %}{% for x in [1, 2] %}{{ show() }} {% endfor %}"));
}
