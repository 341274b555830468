using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Providers.Abstractions;

/// <summary>
/// The tool a <c>json_mode = "tool"</c> request asks the model to call with its output: TensorZero's implicit tool,
/// with its name and description, the output schema as parameters and no <c>strict</c> flag. Every provider offers it
/// the same way and forces the call to it.
/// </summary>
public static class RespondTool
{
    public const string Name = "respond";

    public const string Description = "Respond to the user using the output schema provided.";

    public static ToolDefinition For(JsonObject outputSchema) => new(Name, Description, outputSchema, Strict: false);
}
