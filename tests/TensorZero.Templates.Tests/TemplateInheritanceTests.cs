using static TensorZero.Templates.Tests.TemplateEnvironments;

namespace TensorZero.Templates.Tests;

/// <summary>
/// <c>{% extends %}</c>, <c>{% block %}</c>, <c>super()</c> and <c>self.name()</c>. Expected outputs follow MiniJinja's
/// snapshot tests of the same names (block, block_scope, block_super, block_super_super, block_scope_super,
/// block_scope_extends, extends, extends_set, macro_extends, self, required_block and their err_ variants).
/// </summary>
public sealed class TemplateInheritanceTests
{
    private const string SimpleLayout = "<title>{% block title %}default title{% endblock %}</title>\n{% block body %}default body{% endblock %}\n";

    [Fact]
    public void Render_BlocksWithoutExtends_RenderInPlace() =>
        Assert.Equal(
            "<title></title>\nfoo",
            Of(("block.txt", "<title>{% block title %}{% endblock %}</title>\n{% block body %}{{ var }}{% endblock body %}\n")).Render("block.txt", """{"var": "foo"}"""));

    [Fact]
    public void Render_SetInsideBlock_DoesNotLeakOut() =>
        Assert.Equal(
            "foo\nbar\nfoo",
            Of(("t", "{{ var }}\n{% block test %}{% set var = \"bar\" %}{{ var }}{% endblock %}\n{{ var }}\n")).Render("t", """{"var": "foo"}"""));

    [Fact]
    public void Render_Extends_ReplacesTheParentsBlocksWithTheChilds()
    {
        var environment = Of(
            ("simple_layout.txt", SimpleLayout),
            ("extends.txt", "{% extends template %}\n{% block title %}new title{% endblock %}\n{% block body %}new body{% endblock %}\n"));

        Assert.Equal("<title>new title</title>\nnew body", environment.Render("extends.txt", """{"template": "simple_layout.txt"}"""));
    }

    [Fact]
    public void Render_BlockNotOverridden_KeepsTheParentsContent() =>
        Assert.Equal(
            "<title>new title</title>\ndefault body",
            Of(("simple_layout.txt", SimpleLayout), ("child", "{% extends 'simple_layout.txt' %}{% block title %}new title{% endblock %}")).Render("child"));

    [Fact]
    public void Render_Super_RendersTheParentBlock()
    {
        var environment = Of(
            ("simple_layout.txt", SimpleLayout),
            ("block_super.txt", "{% extends template %}\n{% block title %}[{{ super() }}]{% endblock %}\n{% block body %}{{ super()|upper }}{% endblock %}\n"));

        Assert.Equal("<title>[default title]</title>\nDEFAULT BODY", environment.Render("block_super.txt", """{"template": "simple_layout.txt"}"""));
    }

    [Fact]
    public void Render_SuperThroughTwoLevels_RendersEachAncestor()
    {
        var environment = Of(
            ("simple_layout.txt", SimpleLayout),
            ("simple2_layout.txt", "{% extends \"simple_layout.txt\" %}\n{% block title %}({{ super() }}){% endblock %}"),
            ("block_super_super.txt", "{% extends \"simple2_layout.txt\" %}\n{% block title %}[{{ super() }}]{% endblock %}\n"));

        Assert.Equal("<title>[(default title)]</title>\ndefault body", environment.Render("block_super_super.txt"));
    }

    [Fact]
    public void Render_SuperBlock_HasItsOwnScope()
    {
        var environment = Of(
            ("var_setting_layout.txt", "{% block test %}{% set var = \"from super\" %}inside: {{ var }}{% endblock %}"),
            ("block_scope_super.txt", "{% extends \"var_setting_layout.txt\" %}\n{% block test %}before: {% set var = \"from self\" %}{{ var }}\n{{ super() }}\nafter: {{ var }}{% endblock %}\n"));

        Assert.Equal("before: from self\ninside: from super\nafter: from self", environment.Render("block_scope_super.txt", """{"var": "foo"}"""));
    }

    [Fact]
    public void Render_OverriddenBlockInsideParentLoop_SeesTheLoopVariable()
    {
        var environment = Of(
            ("var_referencing_layout.txt", "{% for item in [1, 2, 3] %}\n  {% block item_block %}{{ item }}{% endblock %}\n{% endfor %}"),
            ("block_scope_extends.txt", "{% extends template %}\n{% block item_block %}[{{ item }}]{% endblock %}\n"));

        Assert.Equal("\n  [1]\n\n  [2]\n\n  [3]\n", environment.Render("block_scope_extends.txt", """{"template": "var_referencing_layout.txt"}"""));
    }

    [Fact]
    public void Render_SetAfterExtends_IsVisibleInTheParentsBlocks() =>
        Assert.Equal(
            "the value from the child",
            Of(("layout_with_var.txt", "{% block body %}{{ var }}{% endblock %}\n"), ("child", "{% extends template %}\n{% set var = \"the value from the child\" %}\n"))
                .Render("child", """{"template": "layout_with_var.txt"}"""));

    [Fact]
    public void Render_MacroDefinedInChild_IsCallableFromItsBlocks() =>
        Assert.Equal(
            "<title>inside foo</title>\nnew body",
            Of(("simple_layout.txt", SimpleLayout), ("child", "{%- extends template %}\n{%- macro foo() %}inside foo{% endmacro %}\n{%- block title %}{{ foo() }}{% endblock %}\n{%- block body %}new body{% endblock %}"))
                .Render("child", """{"template": "simple_layout.txt"}"""));

    [Fact]
    public void Render_TextOutsideBlocksOfAChild_IsDropped() =>
        Assert.Equal(
            "<title>t</title>\ndefault body",
            Of(("simple_layout.txt", SimpleLayout), ("child", "{% extends 'simple_layout.txt' %}ignored text {{ 1 }}{% block title %}t{% endblock %} more ignored")).Render("child"));

    [Fact]
    public void Render_TextBeforeExtends_IsKept() =>
        Assert.Equal(
            "preamble <title>t</title>\ndefault body",
            Of(("simple_layout.txt", SimpleLayout), ("child", "preamble {% extends 'simple_layout.txt' %}{% block title scoped %}t{% endblock title %}")).Render("child"));

    [Fact]
    public void Render_InheritanceChainPastTheLimit_ThrowsRecursionLimit()
    {
        var environment = Of(Enumerable.Range(0, 60).Select(i => ($"t{i}", $"{{% extends 't{i + 1}' %}}")).Append(("t60", "end")).ToArray());

        var error = environment.RenderError("t0");

        Assert.Equal(("recursion limit exceeded: templates extend each other more than 50 levels deep", "t49"), (error.Detail, error.TemplateName));
    }

    [Fact]
    public void Render_InheritanceChainAtTheLimit_Renders() =>
        Assert.Equal(
            "end",
            Of(Enumerable.Range(0, 49).Select(i => ($"t{i}", $"{{% extends 't{i + 1}' %}}")).Append(("t49", "end")).ToArray()).Render("t0"));

    [Fact]
    public void Render_ExtendsInsideFalseCondition_DoesNotExtend() =>
        Assert.Equal(
            "before\n\nand after",
            Of(("t", "before\n{% if not_true %}\n  {% extends \"something.html\" %}\n{% endif %}\nand after\n")).Render("t", """{"not_true": false}"""));

    [Fact]
    public void Render_SelfBlockCall_RendersTheBlockAgain() =>
        Assert.Equal(
            "1:[foobar]\n2:(foobar)",
            Of(("self.txt", "1:[{% block title %}{{ var }}{% endblock %}]\n2:({{ self.title() }})\n")).Render("self.txt", """{"var": "foobar"}"""));

    [Fact]
    public void Render_SelfBlockCallInParent_UsesTheChildsOverride() =>
        Assert.Equal(
            "<h1>Child</h1><title>Child</title>",
            Of(("base", "<h1>{{ self.title() }}</h1><title>{% block title %}Base{% endblock %}</title>"), ("child", "{% extends 'base' %}{% block title %}Child{% endblock %}")).Render("child"));

    [Fact]
    public void Render_RequiredBlockOverridden_Renders() =>
        Assert.Equal(
            "before[Provide steps to demonstrate the bug.]after",
            Of(("required_layout.txt", "before[{% block body required %}{% endblock %}]after"), ("child", "{% extends \"required_layout.txt\" %}\n{% block body %}Provide steps to demonstrate the bug.{% endblock %}\n"))
                .Render("child"));

    [Fact]
    public void Render_ThreeLevelsOfInheritance_NestedBlocksResolveToTheMostDerived()
    {
        var environment = Of(
            ("base", "<head>{% block head %}<title>{% block title %}base{% endblock %}</title>{% endblock %}</head>{% block body %}{% endblock %}"),
            ("middle", "{% extends 'base' %}{% block body %}middle body{% endblock %}"),
            ("page", "{% extends 'middle' %}{% block title %}page - {{ super() }}{% endblock %}"));

        Assert.Equal("<head><title>page - base</title></head>middle body", environment.Render("page"));
    }

    [Fact]
    public void Render_IncludedTemplateThatExtends_RendersItsLayoutInPlace() =>
        Assert.Equal(
            "[<b>card</b>]",
            Of(("frame", "<b>{% block inner %}{% endblock %}</b>"), ("card", "{% extends 'frame' %}{% block inner %}card{% endblock %}"), ("main", "[{% include 'card' %}]")).Render("main"));

    [Theory]
    [InlineData("{{ super() }}", 1, 4, "cannot super outside of block")]
    [InlineData("{% block body %}\n  There is no super block.\n  {{ super() }}\n{% endblock %}", 3, 6, "no parent block exists")]
    [InlineData("before[{% block body required %}{% endblock %}]after", 1, 11, "required block `body` not found")]
    [InlineData("{{ self.nope() }}", 1, 9, "block `nope` not found")]
    [InlineData("{% block a %}{{ super(1) }}{% endblock %}", 1, 17, "super() takes no arguments")]
    public void Render_BlockMisuse_Throws(string source, int line, int column, string detail)
    {
        var error = Of(("t", source)).RenderError("t");

        Assert.Equal((detail, line, column), (error.Detail, error.Line, error.Column));
    }

    [Fact]
    public void Render_ExtendsTwice_Throws()
    {
        var error = Of(("simple_layout.txt", SimpleLayout), ("t", "{% extends template %}\n{% extends template %}\n")).RenderError("t", """{"template": "simple_layout.txt"}""");

        Assert.Equal(("tried to extend a second time in a template", 2, 4), (error.Detail, error.Line, error.Column));
    }

    [Fact]
    public void Render_ExtendsItself_ThrowsCycleInInheritance()
    {
        var environment = Of(("err_self_extends.txt", "{% extends \"self-extends.txt\" %}"), ("self-extends.txt", "{% extends \"self-extends.txt\" %}\n{% block wat %}{% endblock %}"));

        var error = environment.RenderError("err_self_extends.txt");

        Assert.Equal("cycle in template inheritance: `self-extends.txt` was referenced more than once", error.Detail);
        Assert.Equal(("self-extends.txt", 1, 4), (error.TemplateName, error.Line, error.Column));
    }

    [Fact]
    public void Render_ExtendsMissingTemplate_ThrowsTemplateNotFound()
    {
        var error = Of(("child", "\n  {% extends 'layout.txt' %}")).RenderError("child");

        Assert.Equal(("template not found: tried to extend non-existing template `layout.txt`", "child", 2, 6), (error.Detail, error.TemplateName, error.Line, error.Column));
        Assert.Equal(["layout.txt"], error.MissingTemplates);
    }

    [Fact]
    public void Render_ErrorInParentBlockReachedBySuper_IsLocatedInTheParent()
    {
        var environment = Of(
            ("bad_basic_block.txt", "<title>{% block title %}default title{% endblock %}</title>\n{% block body %}\n  {{ missing_function() }}\n{% endblock %}\n"),
            ("err_bad_super.txt", "{% extends \"bad_basic_block.txt\" %}\n{% block title %}My Title{% endblock %}\n{% block body %}\n  Changed stuff goes here. {{ super() }}\n{% endblock %}\n"));

        var error = environment.RenderError("err_bad_super.txt");

        Assert.Equal(("unknown function `missing_function`", "bad_basic_block.txt", 3, 6), (error.Detail, error.TemplateName, error.Line, error.Column));
    }

    [Fact]
    public void Render_BlockCallingItselfThroughSelf_ThrowsRecursionLimit() =>
        Assert.Equal(
            "recursion limit exceeded: block `a` called more than 100 levels deep",
            Of(("t", "{% block a %}{{ self.a() }}{% endblock %}")).RenderError("t").Detail);

    [Theory]
    [InlineData("{% block foo %}{% endblock %}\n{% block foo %}{% endblock %}", 2, 10, "syntax error: block `foo` defined twice")]
    [InlineData("{% macro two_args(a, b) %}\n  {% block foo %}{% endblock %}\n{% endmacro %}", 2, 6, "syntax error: block tags in macros are not allowed")]
    [InlineData("{% block a %}{% endblock b %}", 1, 26, "syntax error: mismatching name on `{% endblock %}`: got `b`, expected `a`")]
    [InlineData("{% block a required %}text{% endblock %}", 1, 4, "syntax error: required blocks can only contain comments or whitespace")]
    [InlineData("{% block a %}", 1, 4, "syntax error: unclosed `{% block %}` block: expected `{% endblock %}` before the end of the template")]
    [InlineData("{% endblock %}", 1, 4, "syntax error: unexpected `{% endblock %}` without a matching opening block")]
    [InlineData("{% import 'x' %}", 1, 15, "syntax error: unexpected `%}`, expected `as`")]
    [InlineData("{% from 'x' a %}", 1, 13, "syntax error: unexpected `a`, expected `import`")]
    [InlineData("{% include 'x' ignore %}", 1, 23, "syntax error: unexpected `%}`, expected `missing`")]
    [InlineData("{% include 'x' with %}", 1, 21, "syntax error: unexpected `%}`, expected `context`")]
    public void Parse_InvalidBlockOrLoadSyntax_ThrowsWithLocation(string source, int line, int column, string detail)
    {
        var error = Assert.Throws<TemplateException>(() => Template.Parse(source, "broken"));

        Assert.Equal((detail, line, column), (error.Detail, error.Line, error.Column));
    }

    [Fact]
    public void Variables_BlocksAndSelf_AreNotContextVariables()
    {
        var template = Template.Parse("{% extends layout %}{% block a %}{{ super() }}{{ self.b() }}{{ x }}{% endblock %}{% include name %}", "t");

        Assert.Equal(["x"], template.Variables);
    }
}
