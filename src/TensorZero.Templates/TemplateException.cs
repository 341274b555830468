namespace TensorZero.Templates;

/// <summary>
/// A template that does not parse or does not render, with the name of the template where it failed and the 1-based
/// line and column there. A failure inside an included, imported or parent template names that template. Line and
/// column are 0 when no position applies (asking an environment for a template it does not have).
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string detail, string templateName, int line, int column)
        : this(detail, templateName, line, column, [])
    {
    }

    internal TemplateException(string detail, string templateName, int line, int column, IReadOnlyList<string> missingTemplates)
        : base(line > 0 ? $"{detail} (in template `{templateName}` at line {line}, column {column})" : detail)
    {
        Detail = detail;
        TemplateName = templateName;
        Line = line;
        Column = column;
        MissingTemplates = missingTemplates;
    }

    /// <summary>What went wrong, without the location.</summary>
    public string Detail { get; }

    public string TemplateName { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>
    /// For a <c>template not found</c> error, the names that were looked up and not found (several for an include
    /// list); empty for every other error.
    /// </summary>
    public IReadOnlyList<string> MissingTemplates { get; }
}

/// <summary>A render failure raised deep inside value operations; the renderer adds the template location.</summary>
internal sealed class TemplateRuntimeException(string message, IReadOnlyList<string>? missingTemplates = null) : Exception(message)
{
    public IReadOnlyList<string> MissingTemplates { get; } = missingTemplates ?? [];
}
