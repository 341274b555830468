using static TensorZero.Templates.Tests.TemplateEnvironments;

namespace TensorZero.Templates.Tests;

/// <summary>
/// <c>{% import %}</c> and <c>{% from ... import %}</c>. Expected outputs follow MiniJinja's snapshot tests
/// (macro_import, macro_import2, import_all): only top-level variables and macros are exported, the imported template
/// sees the importer's context, and a name it does not define imports as undefined.
/// </summary>
public sealed class TemplateImportTests
{
    private const string Helpers = "{% set title = \"The Title\" %}\n{% macro helper(a, b) %}{{ [a, b, c] }}{% endmacro %}\nShould not show up";

    [Fact]
    public void Render_FromImport_BindsMacrosAndVariablesAndMissingNamesAreUndefined()
    {
        var environment = Of(
            ("include_with_var_and_macro.txt", Helpers),
            ("main", "{% from \"include_with_var_and_macro.txt\" import title, helper, missing -%}\nmissing: {{ missing }}\ntitle: {{ title }}\nhelper: {{ helper(\"a\", \"b\") }}"));

        Assert.Equal("missing: \ntitle: The Title\nhelper: [\"a\", \"b\", \"The C Variable\"]", environment.Render("main", """{"c": "The C Variable"}"""));
    }

    [Fact]
    public void Render_FromImportWithAlias_BindsUnderTheAlias()
    {
        var environment = Of(
            ("macros", "{% macro bullet(text) %}- {{ text }}{% endmacro %}"),
            ("main", "{% from 'macros' import bullet as b, bullet, %}{{ b('x') }} {{ bullet('y') }}"));

        Assert.Equal("- x - y", environment.Render("main"));
    }

    [Fact]
    public void Render_Import_ExposesMacrosAndVariablesAsAttributes()
    {
        var environment = Of(
            ("include_with_var_and_macro.txt", Helpers),
            ("main", "{% import \"include_with_var_and_macro.txt\" as helpers -%}\nmissing: {{ helpers.missing }}\ntitle: {{ helpers.title }}\nhelper: {{ helpers.helper(\"a\", \"b\") }}"));

        Assert.Equal("missing: \ntitle: The Title\nhelper: [\"a\", \"b\", \"The C Variable\"]", environment.Render("main", """{"c": "The C Variable"}"""));
    }

    [Fact]
    public void Render_ImportedModule_PrintsWhatTheTemplateRenderedWithTheImportersVariables()
    {
        var environment = Of(
            ("import-mixed.txt", "This is the body {{ x }}\n{%- set output = 42 %}"),
            ("main", "{% set x = 23 %}\n{% import 'import-mixed.txt' as module %}\n{{ module.output }}\n|||{{ module }}|||"));

        Assert.Equal("\n\n42\n|||This is the body 23|||", environment.Render("main"));
    }

    [Fact]
    public void Render_ImportedMacroCallingAnotherMacroOfItsTemplate_Works()
    {
        var environment = Of(
            ("macros", "{% macro item(x) %}<{{ x }}>{% endmacro %}{% macro list(xs) %}{% for x in xs %}{{ item(x) }}{% endfor %}{% endmacro %}"),
            ("main", "{% import 'macros' as m %}{{ m.list([1, 2]) }}"));

        Assert.Equal("<1><2>", environment.Render("main"));
    }

    [Fact]
    public void Render_ImportedMacro_SeesItsOwnTemplatesVariablesNotTheImportersOfTheSameName() =>
        Assert.Equal(
            "> hi",
            Of(("m", "{% set prefix = '> ' %}{% macro q(x) %}{{ prefix }}{{ x }}{% endmacro %}"), ("main", "{% set prefix = 'wrong' %}{% from 'm' import q %}{{ q('hi') }}"))
                .Render("main"));

    [Fact]
    public void Render_ImportDoesNotLeakTheImportedTemplatesVariables() =>
        Assert.Equal(
            "[]",
            Of(("vars", "{% set secret = 1 %}"), ("main", "{% import 'vars' as v %}[{{ secret }}]")).Render("main"));

    [Fact]
    public void Render_ImportVariableName_ResolvesAtRenderTime() =>
        Assert.Equal(
            "- x",
            Of(("macros", "{% macro bullet(text) %}- {{ text }}{% endmacro %}"), ("main", "{% from lib import bullet %}{{ bullet('x') }}"))
                .Render("main", """{"lib": "macros"}"""));

    [Theory]
    [InlineData("{% import 'nope' as m %}", "template not found: tried to import non-existing template `nope`")]
    [InlineData("{% from 'nope' import a %}", "template not found: tried to import non-existing template `nope`")]
    public void Render_ImportMissingTemplate_ThrowsTemplateNotFound(string source, string detail)
    {
        var error = Of(("main", source)).RenderError("main");

        Assert.Equal((detail, "main", 1, 4), (error.Detail, error.TemplateName, error.Line, error.Column));
        Assert.Equal(["nope"], error.MissingTemplates);
    }

    [Fact]
    public void Render_CallingAMissingMacroOfAModule_Throws() =>
        Assert.Equal("module has no macro `nope`", Of(("m", ""), ("main", "{% import 'm' as m %}{{ m.nope() }}")).RenderError("main").Detail);

    [Fact]
    public void Render_ErrorInsideImportedMacro_IsLocatedInTheMacrosTemplate()
    {
        var environment = Of(("macros", "{% macro broken() %}\n{{ 1 + [] }}{% endmacro %}"), ("main", "{% from 'macros' import broken %}{{ broken() }}"));

        var error = environment.RenderError("main");

        Assert.Equal(("macros", 2, 6), (error.TemplateName, error.Line, error.Column));
    }

    [Fact]
    public void Render_ImportedMissingNameInStrictMode_FailsWhereItIsPrinted()
    {
        var environment = Of(UndefinedBehavior.Strict, null, ("m", ""), ("main", "{% from 'm' import nope %}{{ nope }}"));

        Assert.Equal("undefined value: `nope` is not defined", environment.RenderError("main").Detail);
    }

    [Fact]
    public void Variables_ImportedNames_AreNotContextVariables()
    {
        var template = Template.Parse("{% import 'm' as m %}{% from 'n' import a, b as c %}{{ m.x }}{{ a }}{{ c }}{{ d }}", "t");

        Assert.Equal(["d"], template.Variables);
    }
}
