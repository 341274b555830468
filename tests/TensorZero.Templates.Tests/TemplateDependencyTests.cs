using static TensorZero.Templates.Tests.TemplateEnvironments;

namespace TensorZero.Templates.Tests;

/// <summary>
/// Static discovery for startup checks: <see cref="Template.References"/> and
/// <see cref="TemplateEnvironment.FindDependencies"/>, following what MiniJinja's static analysis (TensorZero's
/// minijinja-utils) counts as a literal name.
/// </summary>
public sealed class TemplateDependencyTests
{
    [Fact]
    public void References_ListEachLoadStatementWithItsLiteralNames()
    {
        var template = Template.Parse(
            "{% extends 'base' %}\n{% import 'macros' as m %}{% from 'lib' import a %}\n{% block b %}{% include ['x', 'y'] ignore missing %}{% include name %}{% include 'p' if c else 'q' %}{% endblock %}",
            "page");

        Assert.Equal(
            [
                (TemplateReferenceKind.Extends, "base", false, false, 1, 4),
                (TemplateReferenceKind.Import, "macros", false, false, 2, 4),
                (TemplateReferenceKind.FromImport, "lib", false, false, 2, 30),
                (TemplateReferenceKind.Include, "x|y", false, true, 3, 17),
                (TemplateReferenceKind.Include, "", true, false, 3, 56),
                (TemplateReferenceKind.Include, "p|q", false, false, 3, 74),
            ],
            template.References.Select(r => (r.Kind, string.Join('|', r.Names), r.IsDynamic, r.IgnoreMissing, r.Line, r.Column)));
        Assert.All(template.References, r => Assert.Equal("page", r.Template));
    }

    [Fact]
    public void References_PartlyDynamicList_KeepsTheLiteralNamesAndIsDynamic()
    {
        var reference = Assert.Single(Template.Parse("{% include ['a', name, 'b'] %}", "t").References);

        Assert.Equal(["a", "b"], reference.Names);
        Assert.True(reference.IsDynamic);
    }

    [Fact]
    public void FindDependencies_FollowsLiteralNamesTransitivelyThroughAddedAndLoadedTemplates()
    {
        var files = new Dictionary<string, string>
        {
            ["base.html"] = "<html>{% include 'header.html' %}</html>",
            ["header.html"] = "<head>{% include 'title.html' %}</head>",
            ["title.html"] = "<title>{{ page_title }}</title>",
        };
        var environment = Of(UndefinedBehavior.Lenient, files.GetValueOrDefault, ("main", "{% include 'base.html' %}"));

        var dependencies = environment.FindDependencies("main");

        Assert.Equal(["main", "base.html", "header.html", "title.html"], dependencies.Templates);
        Assert.Equal(["main", "base.html", "header.html"], dependencies.References.Select(r => r.Template));
        Assert.Empty(dependencies.Problems);
        Assert.Equal("<html><head><title>My Page</title></head></html>", environment.Render("main", """{"page_title": "My Page"}"""));
    }

    [Fact]
    public void FindDependencies_MissingInclude_ReportsItAtTheIncludeStatement()
    {
        var environment = Of(("main", "Hello\n  {% include 'header.html' %}Content"));

        var problem = Assert.Single(environment.FindDependencies("main").Problems);

        Assert.Equal("template not found: tried to include non-existing template `header.html` (in template `main` at line 2, column 6)", problem.Message);
        Assert.Equal(["header.html"], problem.MissingTemplates);
    }

    [Fact]
    public void FindDependencies_MissingTemplateDeeperDown_NamesTheTemplateThatRefersToIt()
    {
        var environment = Of(("main", "{% import 'macros' as m %}"), ("macros", "{% extends 'layout' %}"));

        var problem = Assert.Single(environment.FindDependencies("main").Problems);

        Assert.Equal(("template not found: tried to extend non-existing template `layout`", "macros", 1, 4), (problem.Detail, problem.TemplateName, problem.Line, problem.Column));
    }

    [Theory]
    [InlineData("{% include 'nope' ignore missing %}")]
    [InlineData("{% include ['nope', 'part'] %}")]
    [InlineData("{% include name %}")]
    [InlineData("{% include ['nope', name] %}")]
    public void FindDependencies_ReferenceThatCanStillRender_IsNoProblem(string source) =>
        Assert.Empty(Of(("part", ""), ("main", source)).FindDependencies("main").Problems);

    [Theory]
    [InlineData("{% include ['a', 'b'] %}", "template not found: tried to include one of multiple templates, none of which existed: `a`, `b`")]
    [InlineData("{% include 'part' if x else 'nope' %}", "template not found: tried to include non-existing template `nope`")]
    [InlineData("{% from 'nope' import a %}", "template not found: tried to import non-existing template `nope`")]
    [InlineData("{% if x %}{% for y in z %}{% macro m() %}{% include 'nope' %}{% endmacro %}{% endfor %}{% endif %}", "template not found: tried to include non-existing template `nope`")]
    public void FindDependencies_LiteralReferenceThatCannotRender_IsAProblem(string source, string detail) =>
        Assert.Equal(detail, Assert.Single(Of(("part", ""), ("main", source)).FindDependencies("main").Problems).Detail);

    [Fact]
    public void FindDependencies_DynamicReference_IsListedButNotFollowed()
    {
        var dependencies = Of(("main", "{% include template_name %}")).FindDependencies("main");

        var reference = Assert.Single(dependencies.References);
        Assert.True(reference.IsDynamic);
        Assert.Empty(reference.Names);
        Assert.Equal(["main"], dependencies.Templates);
        Assert.Empty(dependencies.Problems);
    }

    [Fact]
    public void FindDependencies_Cycle_VisitsEachTemplateOnce()
    {
        var dependencies = Of(("a", "{% include 'b' %}"), ("b", "{% if deep %}{% include 'a' %}{% endif %}")).FindDependencies("a");

        Assert.Equal(["a", "b"], dependencies.Templates);
        Assert.Equal(2, dependencies.References.Count);
        Assert.Empty(dependencies.Problems);
    }

    [Fact]
    public void FindDependencies_LoadedTemplateWithSyntaxError_ReportsTheSyntaxErrorOnce()
    {
        var environment = Of(UndefinedBehavior.Lenient, name => name == "broken" ? "{{ x" : null, ("main", "{% include 'broken' %}{% include 'broken' %}"));

        var problem = Assert.Single(environment.FindDependencies("main").Problems);

        Assert.Equal(("syntax error: unexpected end of template, expected `}}`", "broken"), (problem.Detail, problem.TemplateName));
    }

    [Fact]
    public void FindDependencies_UnknownRoot_ThrowsTemplateNotFound() =>
        Assert.Equal(
            "template not found: template `nope` does not exist",
            Assert.Throws<TemplateException>(() => new TemplateEnvironment().FindDependencies("nope")).Message);
}
