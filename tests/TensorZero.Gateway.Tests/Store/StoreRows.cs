using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>Rows for store tests.</summary>
internal static class StoreRows
{
    public static InferenceRow Inference(Guid id, Guid episodeId, string function = "f", string variant = "v", string input = """{"messages":[]}""") =>
        new(id, episodeId, function, variant, "chat", input, """[{"type":"text","text":"hi"}]""", """{"tools_available":[]}""", null, "{}", "{}", 5, null,
            DateTimeOffset.UtcNow);
}
