namespace TensorZero.Templates;

/// <summary>
/// What a template needs from its environment, found by <see cref="TemplateEnvironment.FindDependencies"/>.
/// <see cref="Templates"/>: the root's name, then every template reached through literal names, in the order found.
/// <see cref="References"/>: every include, import, from and extends statement of those templates.
/// <see cref="Problems"/>: what would fail at render time, each a <see cref="TemplateException"/> located where it
/// is: a literal name that resolves nowhere (<c>template not found: tried to include non-existing template `x`</c>
/// at the statement; for an include list, when none of its names exists; never for <c>ignore missing</c>), or a
/// loaded template that does not parse (its syntax error). Empty when every literal reference resolves.
/// </summary>
public sealed record TemplateDependencies(
    string Root,
    IReadOnlyList<string> Templates,
    IReadOnlyList<TemplateReference> References,
    IReadOnlyList<TemplateException> Problems);

/// <summary>Walks the literal references of a template breadth-first, each template once, so cycles end.</summary>
internal static class DependencyWalker
{
    public static TemplateDependencies Walk(TemplateEnvironment environment, Template root)
    {
        var templates = new List<string> { root.Name };
        var visited = new HashSet<string>(StringComparer.Ordinal) { root.Name };
        var broken = new HashSet<string>(StringComparer.Ordinal);
        var references = new List<TemplateReference>();
        var problems = new List<TemplateException>();
        var queue = new Queue<Template>([root]);
        while (queue.TryDequeue(out var template))
        {
            foreach (var statement in template.LoadStatements)
            {
                var reference = statement.Reference;
                references.Add(reference);
                var found = new HashSet<string>(StringComparer.Ordinal);
                foreach (var name in reference.Names)
                {
                    Template? target;
                    try
                    {
                        target = environment.Resolve(name);
                    }
                    catch (TemplateException e)
                    {
                        if (broken.Add(name))
                        {
                            problems.Add(e);
                        }
                        continue;
                    }
                    if (target is null)
                    {
                        continue;
                    }
                    found.Add(name);
                    if (visited.Add(name))
                    {
                        templates.Add(name);
                        queue.Enqueue(target);
                    }
                }
                if (reference.IgnoreMissing)
                {
                    continue;
                }
                foreach (var group in statement.RequiredGroups)
                {
                    if (!group.Any(found.Contains) && !group.Any(broken.Contains))
                    {
                        var message = TemplateEnvironment.NotFoundMessage(reference.Kind, group);
                        problems.Add(new TemplateException(message, reference.Template, reference.Line, reference.Column, group));
                    }
                }
            }
        }
        return new TemplateDependencies(root.Name, templates, references, problems);
    }
}
