using static TensorZero.Templates.Tests.TemplateExpressionTests;

namespace TensorZero.Templates.Tests;

public sealed class TemplateWhitespaceTests
{
    [Theory]
    [InlineData("Hello\n", "Hello")]
    [InlineData("Hello\r\n", "Hello")]
    [InlineData("Hello\n\n", "Hello\n")]
    [InlineData("Hello", "Hello")]
    [InlineData("\n", "")]
    public void Render_TrailingNewline_OneIsRemoved(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Fact]
    public void Render_BlockTags_KeepSurroundingNewlinesWithoutTrimBlocks() =>
        Assert.Equal("\nx\n", Render("{% if true %}\nx\n{% endif %}\n"));

    [Fact]
    public void Render_BlockTags_KeepLeadingIndentationWithoutLstripBlocks() =>
        Assert.Equal("  x\n  ", Render("  {% if true %}x\n  {% endif %}"));

    [Fact]
    public void Render_MinusOnVariableTags_TrimsWhitespaceOnThatSide() =>
        Assert.Equal("a b c", Render("a  \n {{- ' b ' -}} \n  c"));

    [Fact]
    public void Render_MinusOnOneSideOnly_TrimsOnlyThatSide() =>
        Assert.Equal("a b   c|a   b c", Render("a {{- ' b ' }}  c|a  {{ ' b ' -}}   c"));

    [Fact]
    public void Render_MinusOnBlockTags_TrimsNewlinesAndIndentation() =>
        Assert.Equal("123", Render("{% for x in items -%}\n    {{ x }}\n{%- endfor %}"));

    [Fact]
    public void Render_MinusOnComments_TrimsBothSides() =>
        Assert.Equal("ab", Render("a \n{#- note -#}\n b"));

    [Fact]
    public void Render_MinusOnRawTags_TrimsInsideAndOutside() =>
        Assert.Equal("a{{ x }}b", Render("a {%- raw -%} {{ x }} {%- endraw -%} b"));

    [Fact]
    public void Render_LoopBodyNewlines_AreRepeatedPerIteration() =>
        Assert.Equal("<\n- 1\n\n- 2\n\n- 3\n\n>", Render("<{% for x in items %}\n- {{ x }}\n{% endfor %}\n>"));

    [Fact]
    public void Render_PlusModifierOnBlockTag_IsAccepted() =>
        Assert.Equal(" x ", Render(" {%+ if true +%}x{% endif %} "));
}
