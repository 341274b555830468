using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

public sealed class RowJsonParamsTests
{
    [Fact]
    public void Params_NothingSetAnywhere_IsTheEmptyChatCompletionObject()
    {
        Assert.Equal("""{"chat_completion":{}}""", RowJson.Params(InferenceParams.Empty, InferenceParams.Empty, jsonMode: null));
        Assert.Equal("""{"chat_completion":{}}""", RowJson.Params(new InferenceParams(), new InferenceParams(), jsonMode: null));
    }

    [Fact]
    public void Params_RequestWinsAndTheVariantFillsTheRest()
    {
        var variant = new InferenceParams(Temperature: 0.25, MaxTokens: 50, StopSequences: ["x"]);
        var request = new InferenceParams(Temperature: 0.75, Seed: 7);

        Assert.Equal("""{"chat_completion":{"temperature":0.75,"max_tokens":50,"seed":7,"stop_sequences":["x"]}}""",
            RowJson.Params(variant, request, jsonMode: null));
    }

    [Theory]
    [InlineData(JsonMode.Off, "off")]
    [InlineData(JsonMode.On, "on")]
    [InlineData(JsonMode.Strict, "strict")]
    [InlineData(JsonMode.Tool, "tool")]
    public void Params_RequestsJsonMode_IsKeptInside(JsonMode mode, string name)
    {
        Assert.Equal("{\"chat_completion\":{\"json_mode\":\"" + name + "\"}}", RowJson.Params(InferenceParams.Empty, InferenceParams.Empty, mode));
        Assert.Equal("{\"chat_completion\":{\"json_mode\":\"" + name + "\",\"seed\":1}}", RowJson.Params(new InferenceParams(Seed: 1), InferenceParams.Empty, mode));
    }

    [Theory]
    // Rows written before the column took TensorZero's shape.
    [InlineData("{}", """{"chat_completion":{}}""")]
    [InlineData("""{"temperature":0.5}""", """{"chat_completion":{"temperature":0.5}}""")]
    [InlineData("""{"temperature": 0.5, "seed": 1}""", """{"chat_completion":{"temperature": 0.5, "seed": 1}}""")]
    // Rows in the shape, as either engine hands them back (PostgreSQL's JSONB adds spaces).
    [InlineData("""{"chat_completion":{}}""", """{"chat_completion":{}}""")]
    [InlineData("""{"chat_completion": {"temperature": 0.5}}""", """{"chat_completion": {"temperature": 0.5}}""")]
    public void ParamsAsRead_WrapsOnlyTheOldShape(string stored, string read)
    {
        Assert.Equal(read, RowJson.ParamsAsRead(stored));
    }
}
