using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Store.Cache;

namespace TensorZero.Gateway.Tests.Store.Cache;

public sealed class CacheKeyTests
{
    private static readonly byte[] Secret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private static readonly ModelRequest Request = new(
        "be brief", [new RequestMessage(Role.User, [new TextBlock("hello")])], new InferenceParams(Temperature: 0.5), [], []);

    private static RequestCredentials Credentials(params (string Name, string Value)[] entries) =>
        new(entries.ToDictionary(e => e.Name, e => new Secret(e.Value)));

    private static string Key(ModelRequest? request = null, RequestCredentials? credentials = null, string model = "gpt", string provider = "openai", bool stream = false, byte[]? secret = null) =>
        CacheKey.Compute(secret ?? Secret, model, provider, stream, request ?? Request, credentials ?? RequestCredentials.Empty)!;

    [Fact]
    public void Compute_SameCall_SameKey_AndCacheOptionsAreNotPartOfIt()
    {
        Assert.Equal(Key(), Key(Request with { Cache = new CacheOptions(CacheMode.On, 10) }));
        Assert.Matches("^[0-9a-f]{64}$", Key());
    }

    [Fact]
    public void Compute_DifferentCredentialValues_DifferentKeys_AndNoValueInTheKey()
    {
        var a = Key(credentials: Credentials(("customer_key", "sk-aaaaaaaa")));
        var b = Key(credentials: Credentials(("customer_key", "sk-bbbbbbbb")));
        var renamed = Key(credentials: Credentials(("other_key", "sk-aaaaaaaa")));

        Assert.NotEqual(a, b);
        Assert.NotEqual(a, renamed);
        Assert.NotEqual(Key(), a);
        Assert.DoesNotContain("aaaa", a);
        Assert.Equal(a, Key(credentials: Credentials(("customer_key", "sk-aaaaaaaa"))));
    }

    [Fact]
    public void Compute_EachPartOfTheCall_ChangesTheKey()
    {
        var keys = new[]
        {
            Key(),
            Key(model: "gpt2"),
            Key(provider: "azure"),
            Key(model: "gp", provider: "topenai"),
            Key(stream: true),
            Key(secret: new byte[32]),
            Key(Request with { System = "be long" }),
            Key(Request with { Messages = [new RequestMessage(Role.User, [new TextBlock("bye")])] }),
            Key(Request with { Params = new InferenceParams(Temperature: 0.6) }),
            Key(Request with { JsonMode = JsonMode.Strict }),
            Key(Request with { OutputSchema = new JsonObject { ["type"] = "object" } }),
            Key(Request with { ToolChoice = ToolChoice.Auto }),
            Key(Request with { Tools = [new ToolDefinition("t", "d", new JsonObject())] }),
            Key(Request with { ExtraBody = [new ExtraBodyItem("/x", JsonValue.Create(1), false)] }),
            Key(Request with { InferenceExtraHeaders = [new ExtraHeaderItem("x-h", "v", false)] }),
            Key(Request with { FunctionType = FunctionType.Json }),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }
}
