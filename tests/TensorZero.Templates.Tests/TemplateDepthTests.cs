using static TensorZero.Templates.Tests.TemplateEnvironments;

namespace TensorZero.Templates.Tests;

/// <summary>
/// The nesting limits (50 includes or imports, 100 macro and block calls) against the thread's stack: the deepest
/// render they allow fits the stack of a .NET thread-pool thread, and a smaller stack gets an error, never an overflow
/// that would end the process.
/// </summary>
public sealed class TemplateDepthTests
{
    [Fact]
    public void Render_DeepestNestingTheLimitsAllow_RendersOnAThreadPoolSizedStack()
    {
        var (result, failure) = RenderOnThread(DeepestEnvironment(), stackKilobytes: 1536);

        Assert.Null(failure);
        Assert.EndsWith("end", result);
    }

    [Fact]
    public void Render_DeepNestingOnASmallStack_ThrowsInsteadOfOverflowing()
    {
        var (_, failure) = RenderOnThread(DeepestEnvironment(), stackKilobytes: 256);

        var error = Assert.IsType<TemplateException>(failure);
        Assert.Equal("recursion limit exceeded: templates nest too deeply for the stack of this thread", error.Detail);
    }

    [Fact]
    public void Render_OneCallPastTheLimit_ThrowsRecursionLimit() =>
        Assert.Equal(
            "recursion limit exceeded: macro `r` called more than 100 levels deep",
            Of(("t", "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}")).RenderError("t").Detail);

    /// <summary>50 templates, each including the next from inside a loop, a condition and a block, the last recursing through a macro up to 100 calls.</summary>
    private static TemplateEnvironment DeepestEnvironment() =>
        Of(Enumerable.Range(0, 50)
            .Select(i => ($"t{i}", $"{{% for a in [1] %}}{{% if true %}}{{% block b{i} %}}{{{{ ('x' ~ a)|upper }}}}{{% include 't{i + 1}' %}}{{% endblock %}}{{% endif %}}{{% endfor %}}"))
            .Append(("t50", "{% macro r(n) %}{% for i in [1] %}{% if n > 0 %}{{ r(n - 1) }}{% endif %}{% endfor %}{% endmacro %}{{ r(49) }}end"))
            .ToArray());

    private static (string? Result, Exception? Failure) RenderOnThread(TemplateEnvironment environment, int stackKilobytes)
    {
        string? result = null;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = environment.Render("t0");
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            stackKilobytes * 1024);
        thread.Start();
        thread.Join();
        return (result, failure);
    }
}
