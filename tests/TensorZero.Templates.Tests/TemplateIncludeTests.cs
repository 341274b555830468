using static TensorZero.Templates.Tests.TemplateEnvironments;

namespace TensorZero.Templates.Tests;

/// <summary>
/// <c>{% include %}</c>. Expected outputs follow MiniJinja's own snapshot tests (include, include_missing,
/// include_choice_none, include_ignore_choice, include_ignore_missing, macro_include, err_in_include, err_self_include).
/// </summary>
public sealed class TemplateIncludeTests
{
    private const string SimpleInclude = "Hello {{ variable }} from included template!";

    [Fact]
    public void Render_IncludeLiteralName_RendersIncludedTemplateWithIncludersVariables()
    {
        var environment = Of(
            ("simple_include.txt", SimpleInclude),
            ("main", "Before\n{% set variable = 42 %}\n  {% include 'simple_include.txt' %}\nAfter"));

        Assert.Equal("Before\n\n  Hello 42 from included template!\nAfter", environment.Render("main"));
    }

    [Fact]
    public void Render_IncludeInsideLoop_SeesLoopVariables() =>
        Assert.Equal(
            "[1:a][2:b]",
            Of(("item", "[{{ loop.index }}:{{ x }}]"), ("main", "{% for x in ['a', 'b'] %}{% include 'item' %}{% endfor %}")).Render("main"));

    [Fact]
    public void Render_IncludeVariableName_ResolvesTheNameAtRenderTime()
    {
        var environment = Of(("simple_include.txt", SimpleInclude), ("main", "Before\n{% include template %}\nAfter"));

        Assert.Equal(
            "Before\nHello 7 from included template!\nAfter",
            environment.Render("main", """{"template": "simple_include.txt", "variable": 7}"""));
    }

    [Fact]
    public void Render_IncludeComputedName_ResolvesTheConcatenation() =>
        Assert.Equal(
            "formal",
            Of(("tone_formal", "formal"), ("main", "{% include 'tone_' ~ tone %}")).Render("main", """{"tone": "formal"}"""));

    [Fact]
    public void Render_IncludeList_IncludesTheFirstTemplateThatExists()
    {
        var environment = Of(("simple_include.txt", SimpleInclude), ("main", "Before\n{% include [\"missing_template.txt\", template] %}\nAfter"));

        Assert.Equal("Before\nHello  from included template!\nAfter", environment.Render("main", """{"template": "simple_include.txt"}"""));
    }

    [Theory]
    [InlineData("Before\n{% include template ignore missing %}\nAfter", "Before\n\nAfter")]
    [InlineData("[{% include ['nope1', 'nope2'] ignore missing %}]", "[]")]
    [InlineData("[{% include 'nope' ignore missing with context %}{% include 'nope' without context ignore missing %}]", "[]")]
    [InlineData("[{% include [] %}]", "[]")]
    public void Render_IncludeIgnoreMissing_RendersNothingForAMissingTemplate(string source, string expected) =>
        Assert.Equal(expected, Of(("main", source)).Render("main", """{"template": "missing_template.txt"}"""));

    [Fact]
    public void Render_IncludeWithOrWithoutContext_AcceptsTheMarkerAndStillPassesTheContext() =>
        Assert.Equal(
            "Hello 1 from included template!|Hello 1 from included template!",
            Of(("s", SimpleInclude), ("main", "{% include 's' with context %}|{% include 's' without context %}")).Render("main", """{"variable": 1}"""));

    [Fact]
    public void Render_IncludeMissingTemplate_ThrowsTemplateNotFoundAtTheIncludeStatement()
    {
        var error = Of(("include_missing.txt", "Before\n{% include template %}\nAfter"))
            .RenderError("include_missing.txt", """{"template": "missing_template.txt"}""");

        Assert.Equal("template not found: tried to include non-existing template `missing_template.txt`", error.Detail);
        Assert.Equal(("include_missing.txt", 2, 4), (error.TemplateName, error.Line, error.Column));
        Assert.Equal(["missing_template.txt"], error.MissingTemplates);
    }

    [Fact]
    public void Render_IncludeListNoneExists_ThrowsNamingEveryTemplateTried()
    {
        var error = Of(("main", "Before\n{% include [\"missing_template1.txt\", \"missing_template2.txt\"] %}\nAfter")).RenderError("main");

        Assert.Equal(
            "template not found: tried to include one of multiple templates, none of which existed: `missing_template1.txt`, `missing_template2.txt`",
            error.Detail);
        Assert.Equal(["missing_template1.txt", "missing_template2.txt"], error.MissingTemplates);
    }

    [Fact]
    public void Render_IncludeInStandaloneTemplate_ThrowsTemplateNotFound()
    {
        var error = Assert.Throws<TemplateException>(() => Template.Parse("{% include 'other' %}", "alone").Render(null));

        Assert.Equal("template not found: tried to include non-existing template `other`", error.Detail);
    }

    [Theory]
    [InlineData("{% include 42 %}", "{}", "template name must be a string, got number")]
    [InlineData("{% include ['a', none] %}", "{}", "template name must be a string, got none")]
    [InlineData("{% include nothing %}", "{}", "template name must be a string, got undefined")]
    public void Render_IncludeNameNotAString_Throws(string source, string json, string detail) =>
        Assert.Equal(detail, Of(("main", source)).RenderError("main", json).Detail);

    [Fact]
    public void Render_IncludeUndefinedNameInStrictMode_ThrowsUndefinedValue()
    {
        var environment = Of(UndefinedBehavior.Strict, null, ("main", "{% include template_name %}"));

        Assert.Equal("undefined value: `template_name` is not defined", environment.RenderError("main").Detail);
    }

    [Fact]
    public void Render_IncludedTemplateDefinesMacroAndVariable_IncluderCanUseThemAfterwards()
    {
        var environment = Of(
            ("example_macro.txt", "{% set d = \"closure\" -%}\n{% macro example(a, b, c=\"default\") %}{{ [a, b, c, d] }}{% endmacro -%}"),
            ("main", "{%- include \"example_macro.txt\" %}\n{%- set d = \"should never show up\" %}\n{{ example(1, 2, 3) }}\n{{ example(1, 2) }}"));

        Assert.Equal("\n[1, 2, 3, \"closure\"]\n[1, 2, \"default\", \"closure\"]", environment.Render("main"));
    }

    [Fact]
    public void Render_ErrorInsideIncludedTemplate_NamesTheIncludedTemplateAndItsLine()
    {
        var environment = Of(
            ("a_plus_b.txt", "This template adds b to a: {{ a + b }}"),
            ("err_in_include.txt", "{% for a in seq %}\n  This fails in the include: {% include \"a_plus_b.txt\" %}\n{% endfor %}"));

        var error = environment.RenderError("err_in_include.txt", """{"seq": [1, 2, 3], "b": []}""");

        Assert.Equal("tried to use `+` operator on unsupported types number and sequence", error.Detail);
        Assert.Equal(("a_plus_b.txt", 1, 33), (error.TemplateName, error.Line, error.Column));
    }

    [Fact]
    public void Render_ErrorAfterIncludeInIncluder_IsLocatedInTheIncluder()
    {
        var error = Of(("part", "line one\nline two"), ("main", "{% include 'part' %}\n\n{{ 1 + 'x' }}")).RenderError("main");

        Assert.Equal(("main", 3, 6), (error.TemplateName, error.Line, error.Column));
    }

    [Fact]
    public void Render_TemplateIncludingItself_ThrowsRecursionLimitNamingTheCycle()
    {
        var environment = Of(("err_self_include.txt", "{% include \"self-include.txt\" %}"), ("self-include.txt", "{% include \"self-include.txt\" %}"));

        var error = environment.RenderError("err_self_include.txt");

        Assert.Equal(
            "recursion limit exceeded: includes and imports nest more than 50 levels deep (`err_self_include.txt` → `self-include.txt` → `self-include.txt` → …)",
            error.Detail);
        Assert.Equal("self-include.txt", error.TemplateName);
    }

    [Fact]
    public void Render_TemplatesIncludingEachOther_ThrowsRecursionLimitNamingTheCycle()
    {
        var environment = Of(("a", "a{% include 'b' %}"), ("b", "b{% include 'a' %}"));

        var error = environment.RenderError("a");

        Assert.StartsWith("recursion limit exceeded: includes and imports nest more than 50 levels deep (`a` → `b` → `a` → …)", error.Detail);
    }

    [Fact]
    public void Render_RecursiveIncludeThatStops_RendersEveryLevel()
    {
        // A tree rendered by a template that includes itself for each child: recursion is fine while it ends.
        var environment = Of(("node", "{{ node.name }}{% if node.children %}({% for node in node.children %}{% include 'node' %}{% endfor %}){% endif %}"));

        Assert.Equal(
            "root(a(a1)b)",
            environment.Render("node", """{"node": {"name": "root", "children": [{"name": "a", "children": [{"name": "a1"}]}, {"name": "b"}]}}"""));
    }

    [Fact]
    public void Render_IncludeDepthUpToTheLimit_Renders()
    {
        var templates = Enumerable.Range(0, 50).Select(i => ($"t{i}", $"{i}{{% include 't{i + 1}' %}}")).Append(("t50", "end")).ToArray();

        Assert.EndsWith("4849end", Of(templates).Render("t0"));
    }
}
