using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Routing;

/// <summary>
/// Innermost wrapper of a routed provider: a request that sets <c>reasoning_effort</c>, <c>service_tier</c>,
/// <c>thinking_budget_tokens</c> or <c>verbosity</c> where the provider can't send it runs without it, and each such
/// parameter is named in a warning (TensorZero's text), so it is never dropped unseen.
/// </summary>
internal sealed partial class IgnoredParamWarning(IModelProvider inner, ILogger logger) : DelegatingModelProvider(inner)
{
    public override Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        Warn(request.Params);
        return Inner.InferAsync(request, credentials, cancellationToken);
    }

    public override IAsyncEnumerable<ProviderStreamChunk> StreamAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        Warn(request.Params);
        return Inner.StreamAsync(request, credentials, cancellationToken);
    }

    private void Warn(Configuration.InferenceParams p)
    {
        if (p.ReasoningEffort is null && p.ServiceTier is null && p.ThinkingBudgetTokens is null && p.Verbosity is null)
        {
            return;
        }
        foreach (var warning in Inner.ParamSupport.Ignored(p))
        {
            LogIgnored(warning);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogIgnored(string warning);
}
