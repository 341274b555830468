namespace TensorZero.Gateway.Configuration;

/// <summary>A variant's template files (<c>system_template</c>, …, <c>templates.&lt;name&gt;.path</c>), read and compiled at startup.</summary>
internal static class TemplatesReader
{
    public static Dictionary<string, Templates.Template> Read(TomlSection section)
    {
        var templates = new Dictionary<string, Templates.Template>(StringComparer.Ordinal);
        foreach (var role in new[] { "system", "user", "assistant" })
        {
            if (Load(section, $"{role}_template", role) is { } template)
            {
                templates[role] = template;
            }
        }
        if (section.Section("templates") is { } named)
        {
            foreach (var (name, templateSection) in named.Sections())
            {
                templateSection.RejectUnknown(["path"]);
                if (Load(templateSection, "path", name) is { } template)
                {
                    templates[name] = template;
                }
            }
        }
        return templates;
    }

    // Templates render in strict mode, as TensorZero's do: an undefined variable is an error, not an empty string.
    private static Templates.Template? Load(TomlSection section, string key, string name)
    {
        var file = section.String(key);
        if (file is null)
        {
            return null;
        }
        try
        {
            return Templates.Template.Parse(File.ReadAllText(section.FilePath(key, file)), name, Templates.UndefinedBehavior.Strict);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            section.Error(key, $"the template file `{file}` can't be read");
        }
        catch (Templates.TemplateException e)
        {
            section.Error(key, $"the template `{file}` has an error: {e.Message}");
        }
        return null;
    }
}
