using TensorZero.Gateway.Configuration;
using TensorZero.Templates;

namespace TensorZero.Gateway.Inference.Functions;

/// <summary>
/// Every template of the config in one environment, as TensorZero keeps them: a template can include, import or
/// extend another by its path (relative to the config folder, or its full path). With
/// <c>template_filesystem_access</c>, any file under the base folder can be referred to by its path relative to it.
/// Templates render in strict mode, as TensorZero's do: an undefined variable is an error, not an empty string.
/// </summary>
public sealed class PromptTemplates
{
    private readonly TemplateEnvironment _environment;
    private readonly string _configDirectory;

    private PromptTemplates(TemplateEnvironment environment, string configDirectory)
    {
        _environment = environment;
        _configDirectory = configDirectory;
    }

    /// <summary>
    /// Adds every variant's templates, then checks that what each includes (by a literal name) exists; a template
    /// with a syntax error or a missing include is an error naming the variant's key.
    /// </summary>
    public static PromptTemplates Build(GatewayConfig config, List<string> errors)
    {
        var loader = config.Gateway.TemplateFilesystemBase is { } basePath ? FileLoader(basePath) : null;
        var templates = new PromptTemplates(new TemplateEnvironment(UndefinedBehavior.Strict, loader), config.BaseDirectory);
        var sources = config.Functions.Values.SelectMany(f => f.Variants.Values).SelectMany(v => v.PromptTables()).SelectMany(v => v.Templates.Values).ToList();
        var broken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources.DistinctBy(s => s.FullPath))
        {
            try
            {
                templates._environment.AddTemplate(templates.NameOf(source), source.Text);
                templates._environment.AddTemplate(source.FullPath, source.Text);
            }
            catch (TemplateException e)
            {
                broken.Add(source.FullPath);
                errors.Add($"`{source.ConfigPath}`: the template `{source.File}` has an error: {e.Message}");
            }
        }
        foreach (var source in sources.Where(s => !broken.Contains(s.FullPath)))
        {
            foreach (var problem in templates._environment.FindDependencies(templates.NameOf(source)).Problems)
            {
                errors.Add($"`{source.ConfigPath}`: the template `{source.File}` can't be loaded whole: {problem.Message}");
            }
        }
        return templates;
    }

    /// <summary>A variant's compiled templates by its names for them (<c>system</c>, …).</summary>
    public IReadOnlyDictionary<string, Template> For(VariantConfig variant)
    {
        var compiled = new Dictionary<string, Template>(StringComparer.Ordinal);
        foreach (var (name, source) in variant.Templates)
        {
            if (_environment.TryGetTemplate(NameOf(source), out var template))
            {
                compiled[name] = template;
            }
        }
        return compiled;
    }

    // Inside the config folder a template is named by its relative path (so messages don't show the server's folders);
    // outside it, by its full path.
    private string NameOf(TemplateSource source)
    {
        var relative = Path.GetRelativePath(_configDirectory, source.FullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? source.FullPath : relative.Replace('\\', '/');
    }

    // A name is a relative path under the base: no absolute paths, no `..` or hidden segments, no backslashes.
    private static Func<string, string?> FileLoader(string basePath)
    {
        var root = Path.GetFullPath(basePath);
        return name =>
        {
            var segments = name.Split('/');
            if (name.Length == 0 || name.StartsWith('/') || segments.Any(s => s.Length == 0 || s.StartsWith('.') || s.Contains('\\') || s.Contains(':')))
            {
                return null;
            }
            var path = Path.GetFullPath(Path.Combine([root, .. segments]));
            if (!path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return null;
            }
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        };
    }
}
