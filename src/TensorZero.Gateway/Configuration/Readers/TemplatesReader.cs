namespace TensorZero.Gateway.Configuration;

/// <summary>
/// A variant's template files (<c>system_template</c>, …, <c>templates.&lt;name&gt;.path</c>), read at startup. They are
/// compiled, with their includes resolved, when the runtime is built.
/// </summary>
internal static class TemplatesReader
{
    public static Dictionary<string, TemplateSource> Read(TomlSection section)
    {
        var templates = new Dictionary<string, TemplateSource>(StringComparer.Ordinal);
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

    private static TemplateSource? Load(TomlSection section, string key, string name)
    {
        var file = section.String(key);
        if (file is null)
        {
            return null;
        }
        try
        {
            var fullPath = section.FilePath(key, file);
            return new TemplateSource(name, fullPath, File.ReadAllText(fullPath), section.Child(key), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            section.Error(key, $"the template file `{file}` can't be read");
        }
        return null;
    }
}
