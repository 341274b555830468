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
