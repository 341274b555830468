
namespace TensorZero.Templates.Tests;

public sealed class TemplateVariablesTests
{
    [Fact]
    public void Variables_PlainText_IsEmpty() =>
        Assert.Empty(Template.Parse("You are a helpful assistant.", "system").Variables);

    [Fact]
    public void Variables_MixedTemplate_ListsOnlyContextNamesInOrder()
    {
        var template = Template.Parse(
            """
            {% set greeting = "Hi " ~ user.name %}{{ greeting }}
            {% for doc in documents if doc.score > min_score %}{{ loop.index }} {{ doc.title | default(fallback) }}{% endfor %}
            {% for i in range(count) %}{{ i }}{% endfor %}
            {% macro show(x, y=default_y) %}{{ x }}{{ y }}{{ z }}{% endmacro %}{{ show(a) }}
            {{ b if c else d.e[f] }}
            """,
            "user");

        Assert.Equal(["a", "b", "c", "count", "d", "default_y", "documents", "f", "fallback", "min_score", "user", "z"], template.Variables);
    }

    [Fact]
    public void Variables_NameUsedBeforeSet_CountsAsContextVariable() =>
        Assert.Equal(["x"], Template.Parse("{{ x }}{% set x = 1 %}{{ x }}", "t").Variables);
}
