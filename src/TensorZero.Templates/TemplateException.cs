namespace TensorZero.Templates;

/// <summary>A template that does not parse or does not render, with the template's name and the 1-based line and column.</summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string detail, string templateName, int line, int column)
        : base($"{detail} (in template `{templateName}` at line {line}, column {column})")
    {
        Detail = detail;
        TemplateName = templateName;
        Line = line;
        Column = column;
    }

    /// <summary>What went wrong, without the location.</summary>
    public string Detail { get; }

    public string TemplateName { get; }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>A render failure raised deep inside value operations; the renderer adds the template location.</summary>
internal sealed class TemplateRuntimeException(string message) : Exception(message);
