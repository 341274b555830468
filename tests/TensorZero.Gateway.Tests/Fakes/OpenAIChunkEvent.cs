namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>Server-sent events of an OpenAI chat completions stream, as fixed text for fakes that write raw bytes.</summary>
public static class OpenAIChunkEvent
{
    /// <summary>A <c>chat.completion.chunk</c> event whose delta is the given text (JSON-safe text only).</summary>
    public static string Text(string text) =>
        $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}},\"finish_reason\":null}}]}}\n\n";
}
