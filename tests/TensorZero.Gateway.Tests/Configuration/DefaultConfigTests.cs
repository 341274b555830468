using System.Net;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>The shipped <c>config/tensorzero.toml</c> starts without any key and answers from its offline models.</summary>
public sealed class DefaultConfigTests
{
    [Fact]
    public async Task DefaultConfig_WithoutKeys_ServesTheOfflineChatAndEmbeddingModels()
    {
        using var gateway = new GatewayFactory(await File.ReadAllTextAsync(DefaultConfigPath()));
        var client = gateway.CreateClient();

        var (chatStatus, _, _) = await client.PostInferenceAsync(new { model_name = "offline", input = GatewayClient.UserMessage("hi") });
        var (embedStatus, embedding, _) = await client.PostRawAsync("/openai/v1/embeddings",
            """{"model": "tensorzero::embedding_model_name::offline_embedding", "input": "hi"}""");

        Assert.Equal(HttpStatusCode.OK, chatStatus);
        Assert.Equal(HttpStatusCode.OK, embedStatus);
        Assert.Equal(1536, embedding["data"]![0]!["embedding"]!.AsArray().Count);
    }

    private static string DefaultConfigPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "config", "tensorzero.toml");
            if (File.Exists(Path.Combine(directory.FullName, "TensorZero.Gateway.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("config/tensorzero.toml not found above the test assembly");
    }
}
