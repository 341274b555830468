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
        // `input_wrappers.<role>` is the older spelling of `<role>_template` (a template that wraps the role's plain text,
        // given to it as `<role>_text`); setting both for one role is an error, as in TensorZero.
        if (section.Section("input_wrappers") is { } wrappers)
        {
            wrappers.RejectUnknown(["system", "user", "assistant"]);
            foreach (var role in new[] { "system", "user", "assistant" })
            {
                if (Load(wrappers, role, role) is not { } wrapper)
                {
                    continue;
                }
                if (templates.ContainsKey(role))
                {
                    wrappers.Error(role, $"Cannot provide both `input_wrappers.{role}` and `{role}` template");
                    continue;
                }
                templates[role] = wrapper with { InputWrapper = true };
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
