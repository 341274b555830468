namespace TensorZero.Gateway.Configuration;

/// <summary>How a <c>tool_choice</c> constrains the model.</summary>
public enum ToolChoiceMode
{
    Auto,
    None,
    Required,
    Specific,
}

/// <summary><c>tool_choice</c>: auto, none, required, or one named tool.</summary>
public sealed record ToolChoice(ToolChoiceMode Mode, string? ToolName = null)
{
    public static readonly ToolChoice Auto = new(ToolChoiceMode.Auto);
}
