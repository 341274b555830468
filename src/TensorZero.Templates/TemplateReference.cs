namespace TensorZero.Templates;

/// <summary>The statement through which one template refers to another.</summary>
public enum TemplateReferenceKind
{
    /// <summary><c>{% include %}</c>.</summary>
    Include,

    /// <summary><c>{% import "name" as alias %}</c>.</summary>
    Import,

    /// <summary><c>{% from "name" import a, b as c %}</c>.</summary>
    FromImport,

    /// <summary><c>{% extends %}</c>.</summary>
    Extends,
}

/// <summary>
/// One <c>include</c>, <c>import</c>, <c>from</c> or <c>extends</c> statement of a template, found without rendering
/// it. <see cref="Names"/> lists the literal template names it may load, in source order: one for
/// <c>{% include "a" %}</c>, the alternatives of <c>{% include ["a", "b"] %}</c>, both branches of
/// <c>{% include "a" if x else "b" %}</c>. <see cref="IsDynamic"/> is true when part of the name is computed while
/// rendering (a variable, a call, a concatenation...); that part is resolved, and can fail, only at render time.
/// <see cref="Line"/> and <see cref="Column"/> locate the statement's keyword in <see cref="Template"/>.
/// </summary>
public sealed record TemplateReference(
    string Template,
    TemplateReferenceKind Kind,
    IReadOnlyList<string> Names,
    bool IsDynamic,
    bool IgnoreMissing,
    int Line,
    int Column);

/// <summary>
/// A reference together with what it needs to render: each group holds alternatives of which one must exist (a
/// single name, or the names of an include list). A group is only known when every alternative is a literal.
/// </summary>
internal sealed record LoadStatement(TemplateReference Reference, string[][] RequiredGroups);
