using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace TensorZero.Templates;

/// <summary>
/// Named templates that include, import and extend each other by name, as a MiniJinja <c>Environment</c> does. A
/// name is looked up among the templates added with <see cref="AddTemplate"/>, then asked of the optional loader,
/// which returns a template's source or null when it has none; the engine itself reads no files. Names are used
/// verbatim: no path is joined, so <c>{% include "b" %}</c> in <c>dir/a</c> loads <c>b</c>. A loaded template is
/// parsed once and kept; a name the loader does not know is asked again next time. Safe to use from many threads.
/// </summary>
public sealed class TemplateEnvironment
{
    private readonly ConcurrentDictionary<string, Template> _templates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Template> _loaded = new(StringComparer.Ordinal);
    private readonly Func<string, string?>? _loader;

    /// <param name="undefinedBehavior">How every template of this environment treats undefined values.</param>
    /// <param name="loader">
    /// Returns the source of a template that was not added, or null if there is none. Called while rendering (for
    /// names computed at render time) and by <see cref="FindDependencies"/>; an exception it throws reaches the caller.
    /// </param>
    public TemplateEnvironment(UndefinedBehavior undefinedBehavior = UndefinedBehavior.Lenient, Func<string, string?>? loader = null)
    {
        UndefinedBehavior = undefinedBehavior;
        _loader = loader;
    }

    public UndefinedBehavior UndefinedBehavior { get; }

    /// <summary>The names added with <see cref="AddTemplate"/>, in ordinal order (templates the loader served are not listed).</summary>
    public IReadOnlyList<string> TemplateNames => _templates.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Parses <paramref name="source"/> and adds it under <paramref name="name"/>, replacing a template of that name.
    /// A syntax error is a <see cref="TemplateException"/> and adds nothing.
    /// </summary>
    public Template AddTemplate(string name, string source)
    {
        ArgumentNullException.ThrowIfNull(name);
        var template = Template.Parse(source, name, UndefinedBehavior, this);
        _templates[name] = template;
        return template;
    }

    /// <summary>
    /// The template named <paramref name="name"/>: an added one, else one the loader serves. A name that neither
    /// knows is a <see cref="TemplateException"/> <c>template not found: template `name` does not exist</c>; a loaded
    /// source that does not parse is its syntax error.
    /// </summary>
    public Template GetTemplate(string name) =>
        Resolve(name) ?? throw new TemplateException($"template not found: template `{name}` does not exist", name, 0, 0, [name]);

    /// <summary>Like <see cref="GetTemplate"/>, but false instead of an error for a name that neither the environment nor the loader knows.</summary>
    public bool TryGetTemplate(string name, [NotNullWhen(true)] out Template? template)
    {
        template = Resolve(name);
        return template is not null;
    }

    /// <summary>Renders the template named <paramref name="name"/>; see <see cref="Template.Render"/>.</summary>
    public string Render(string name, JsonObject? context) => GetTemplate(name).Render(context);

    /// <summary>
    /// Follows the literal names of <paramref name="name"/>'s include, import, from and extends statements through
    /// this environment and its loader, transitively, without rendering anything: the startup check of a template's
    /// dependencies. Names computed at render time are not followed (their references say <c>IsDynamic</c>). Throws
    /// like <see cref="GetTemplate"/> when <paramref name="name"/> itself is missing.
    /// </summary>
    public TemplateDependencies FindDependencies(string name) => DependencyWalker.Walk(this, GetTemplate(name));

    /// <summary>The template of that name, or null if neither the added templates nor the loader have it.</summary>
    internal Template? Resolve(string name)
    {
        if (_templates.TryGetValue(name, out var template) || _loaded.TryGetValue(name, out template))
        {
            return template;
        }
        if (_loader?.Invoke(name) is not { } source)
        {
            return null;
        }
        return _loaded.GetOrAdd(name, Template.Parse(source, name, UndefinedBehavior, this));
    }

    /// <summary>The text of a <c>template not found</c> error, the same at startup and at render time.</summary>
    internal static string NotFoundMessage(TemplateReferenceKind kind, IReadOnlyList<string> names)
    {
        var verb = kind switch
        {
            TemplateReferenceKind.Include => "include",
            TemplateReferenceKind.Extends => "extend",
            _ => "import",
        };
        return names.Count == 1
            ? $"template not found: tried to {verb} non-existing template `{names[0]}`"
            : $"template not found: tried to {verb} one of multiple templates, none of which existed: {string.Join(", ", names.Select(n => $"`{n}`"))}";
    }
}
