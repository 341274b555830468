using System.Text.Json.Nodes;

namespace TensorZero.Templates.Tests;

/// <summary>Builds environments from (name, source) pairs for the multi-template tests.</summary>
internal static class TemplateEnvironments
{
    public static TemplateEnvironment Of(params (string Name, string Source)[] templates) =>
        Of(UndefinedBehavior.Lenient, null, templates);

    public static TemplateEnvironment Of(UndefinedBehavior behavior, Func<string, string?>? loader, params (string Name, string Source)[] templates)
    {
        var environment = new TemplateEnvironment(behavior, loader);
        foreach (var (name, source) in templates)
        {
            environment.AddTemplate(name, source);
        }
        return environment;
    }

    public static string Render(this TemplateEnvironment environment, string name, string json = "{}") =>
        environment.Render(name, JsonNode.Parse(json)!.AsObject());

    public static TemplateException RenderError(this TemplateEnvironment environment, string name, string json = "{}") =>
        Assert.Throws<TemplateException>(() => environment.Render(name, json));
}
