using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>An input message of <c>POST /inference</c> has <c>role</c> and <c>content</c>, nothing else.</summary>
public sealed class InputMessageFieldsTests
{
    private static readonly ProtectedHeaders Protected = new(ProviderRegistry.CreateDefault());

    private static GatewayError Reject(string message)
    {
        using var document = JsonDocument.Parse($$$"""{"model_name":"m","input":{"messages":[{"role":"user","content":"hi"},{{{message}}}]}}""");
        return Assert.Throws<GatewayError>(() => InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, Protected));
    }

    [Theory]
    [InlineData("""{"role":"user","content":"x","name":"bob"}""", "name")]
    [InlineData("""{"name":"bob","role":"user","content":"x"}""", "name")]
    [InlineData("""{"role":"user","content":"x","Role":"user"}""", "Role")]
    [InlineData("""{"role":"user","content":"x","role\u0000":"user"}""", "role\u0000")]
    public void UnknownField_IsRejectedByName(string message, string field)
    {
        var error = Reject(message);

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains($"`input.messages[1].{field}`: unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoleAndContent_AreAccepted_InEitherOrder()
    {
        using var document = JsonDocument.Parse("""{"model_name":"m","input":{"messages":[{"content":"hi","role":"assistant"},{"role":"user","content":"yo"}]}}""");

        var request = InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, Protected);

        Assert.Equal(2, request.Input.Messages.Count);
    }
}
