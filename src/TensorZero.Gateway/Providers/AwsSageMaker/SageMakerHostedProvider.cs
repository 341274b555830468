using TensorZero.Gateway.Providers.OpenAI;

namespace TensorZero.Gateway.Providers.AwsSageMaker;

/// <summary>
/// The server a SageMaker endpoint hosts (<c>hosted_provider</c>): requests and answers are that server's
/// chat-completions bodies, built and read as for the provider type of the same name. The hosted server never gets a
/// key of its own; SigV4 authenticates the call to SageMaker.
/// </summary>
/// <param name="Name">The <c>hosted_provider</c> value.</param>
internal sealed record SageMakerHostedProvider(string Name, OpenAIFlavour Flavour)
{
    public static readonly SageMakerHostedProvider OpenAI = new("openai", OpenAIFlavours.OpenAI);

    // TensorZero names the model `tgi` in every body it sends to a TGI container, streamed or not.
    public static readonly SageMakerHostedProvider Tgi = new("tgi", OpenAIFlavours.TGI with { FixedModel = ("tgi", "tgi") });

    public static readonly IReadOnlyList<SageMakerHostedProvider> All = [OpenAI, Tgi];

    public static SageMakerHostedProvider? Find(string name) => All.FirstOrDefault(h => h.Name == name);
}
