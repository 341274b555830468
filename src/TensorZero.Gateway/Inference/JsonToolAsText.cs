using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// A chat function run with <c>json_mode = "tool"</c> asks the model to call the output schema's tool, and answers
/// with that call's arguments as text, as TensorZero does: every tool call becomes a text block (a tool-call delta a
/// text delta with the same id). The finish reason stays the provider's.
/// </summary>
public static class JsonToolAsText
{
    /// <summary>Whether answers of a function of <paramref name="type"/> run in <paramref name="mode"/> are converted.</summary>
    public static bool Applies(FunctionType type, JsonMode mode) => type == FunctionType.Chat && mode == JsonMode.Tool;

    public static ProviderResponse Convert(ProviderResponse response) =>
        response.Content.Any(b => b is ToolCallBlock)
            ? response with { Content = response.Content.Select(b => b is ToolCallBlock call ? new TextBlock(call.Arguments) : b).ToList() }
            : response;

    public static ProviderStreamChunk Convert(ProviderStreamChunk chunk) =>
        chunk.Content.Any(d => d is ToolCallDelta)
            ? chunk with { Content = chunk.Content.Select(d => d is ToolCallDelta call ? new TextDelta(call.Id, call.ArgumentsDelta) : d).ToList() }
            : chunk;
}
