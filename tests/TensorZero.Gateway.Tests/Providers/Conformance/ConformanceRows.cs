namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>Every row of the credential table. A provider type without a row here fails <c>ConformanceRowsTests</c>.</summary>
public static class ConformanceRows
{
    public static readonly IReadOnlyList<IConformanceRow> All =
    [
        .. OpenAIFamilyRows.All,
        new AnthropicRow(),
        new GoogleAIStudioGeminiRow(),
        new AwsBedrockRow(),
        new AwsSageMakerRow("openai"),
        new AwsSageMakerRow("tgi"),
        new GcpVertexGeminiRow(),
        new GcpVertexAnthropicRow(),
    ];
}
