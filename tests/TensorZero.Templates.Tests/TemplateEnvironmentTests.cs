using static TensorZero.Templates.Tests.TemplateEnvironments;

namespace TensorZero.Templates.Tests;

/// <summary>The environment: templates by name, the loader, and how rendering resolves names through them.</summary>
public sealed class TemplateEnvironmentTests
{
    [Fact]
    public void GetTemplate_UnknownName_ThrowsTemplateNotFound()
    {
        var error = Assert.Throws<TemplateException>(() => new TemplateEnvironment().GetTemplate("nope.minijinja"));

        Assert.Equal("template not found: template `nope.minijinja` does not exist", error.Message);
        Assert.Equal(("nope.minijinja", 0, 0), (error.TemplateName, error.Line, error.Column));
        Assert.Equal(["nope.minijinja"], error.MissingTemplates);
    }

    [Fact]
    public void AddTemplate_SyntaxError_ThrowsAndAddsNothing()
    {
        var environment = new TemplateEnvironment();

        var error = Assert.Throws<TemplateException>(() => environment.AddTemplate("bad", "{{ x"));

        Assert.Equal("bad", error.TemplateName);
        Assert.False(environment.TryGetTemplate("bad", out _));
        Assert.Empty(environment.TemplateNames);
    }

    [Fact]
    public void AddTemplate_TemplatesTakeTheEnvironmentsUndefinedBehavior()
    {
        var environment = new TemplateEnvironment(UndefinedBehavior.Strict);

        var template = environment.AddTemplate("t", "{{ x }}");

        Assert.Equal(UndefinedBehavior.Strict, template.UndefinedBehavior);
        Assert.Equal("undefined value: `x` is not defined", environment.RenderError("t").Detail);
    }

    [Fact]
    public void Render_TemplateFromAddTemplate_IncludesThroughItsEnvironment()
    {
        var environment = new TemplateEnvironment();
        environment.AddTemplate("part", "part");

        var template = environment.AddTemplate("main", "[{% include 'part' %}]");

        Assert.Equal("[part]", template.Render(null));
    }

    [Fact]
    public void Render_NameNotAdded_AsksTheLoaderOnceAndKeepsTheTemplate()
    {
        var asked = new List<string>();
        var environment = Of(UndefinedBehavior.Lenient, name => { asked.Add(name); return name == "partials/header.html" ? "<h1>{{ title }}</h1>" : null; },
            ("main", "{% include 'partials/header.html' %}{{ body }}"));

        Assert.Equal("<h1>Welcome</h1>Content", environment.Render("main", """{"title": "Welcome", "body": "Content"}"""));
        Assert.Equal("<h1>Again</h1>", environment.Render("main", """{"title": "Again", "body": ""}"""));
        Assert.Equal(["partials/header.html"], asked);
    }

    [Fact]
    public void Render_LoaderHasNoSuchTemplate_ThrowsTemplateNotFoundAndAsksAgainNextTime()
    {
        var asked = 0;
        var environment = Of(UndefinedBehavior.Lenient, _ => { asked++; return null; }, ("main", "{% include name %}"));

        Assert.Equal("template not found: tried to include non-existing template `header.html`", environment.RenderError("main", """{"name": "header.html"}""").Detail);
        environment.RenderError("main", """{"name": "header.html"}""");
        Assert.Equal(2, asked);
    }

    [Fact]
    public void Render_LoaderThrows_TheExceptionReachesTheCaller()
    {
        var environment = Of(UndefinedBehavior.Lenient, _ => throw new IOException("disk gone"), ("main", "{% include 'part' %}"));

        Assert.Equal("disk gone", Assert.Throws<IOException>(() => environment.Render("main")).Message);
    }

    [Fact]
    public void Render_AddedTemplate_WinsOverTheLoader()
    {
        var environment = Of(UndefinedBehavior.Lenient, _ => "from loader", ("part", "added"), ("main", "{% include 'part' %}"));

        Assert.Equal("added", environment.Render("main"));
    }

    [Fact]
    public void Render_LoadedTemplateWithSyntaxError_ThrowsItsSyntaxError()
    {
        var environment = Of(UndefinedBehavior.Lenient, _ => "line 1\n{% if %}", ("main", "{% include 'broken.txt' %}"));

        var error = environment.RenderError("main");

        Assert.Equal(("syntax error: unexpected `%}`, expected an expression", "broken.txt", 2, 7), (error.Detail, error.TemplateName, error.Line, error.Column));
    }

    [Fact]
    public void Render_IncludeNames_ArePassedToTheLoaderVerbatim()
    {
        var asked = new List<string>();
        var environment = Of(UndefinedBehavior.Lenient, name => { asked.Add(name); return name == "dir/a" ? "{% include 'b' ignore missing %}" : null; },
            ("main", "{% include 'dir/a' %}"));

        environment.Render("main");

        Assert.Equal(["dir/a", "b"], asked);
    }
}
