using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>How a wrapper error (all providers, all variants failed) takes its kind from its causes.</summary>
public sealed class ErrorAggregationTests
{
    private static readonly GatewayError RateLimit = new(ErrorKind.RateLimited, "TensorZero rate limit exceeded", retryable: false);

    private static readonly GatewayError ServerError = new(ErrorKind.ProviderServer, "upstream said 500");

    [Fact]
    public void Combine_LastCauseIsARateLimit_Answers429AsTensorZeroDoes()
    {
        var error = ErrorAggregation.Combine(ErrorKind.AllModelProvidersFailed, "all failed", [ServerError, RateLimit]);

        Assert.Equal(ErrorKind.RateLimited, error.Kind);
        Assert.Equal(429, ErrorResponses.StatusCode(error));
        Assert.True(error.IsRetryable); // the server error may pass on a second try
    }

    [Fact]
    public void Combine_RateLimitFollowedByAnotherFailure_KeepsTheWrapperKind()
    {
        var error = ErrorAggregation.Combine(ErrorKind.AllVariantsFailed, "all failed", [RateLimit, ServerError]);

        Assert.Equal(ErrorKind.AllVariantsFailed, error.Kind);
        Assert.Equal(502, ErrorResponses.StatusCode(error));
    }

    [Fact]
    public void Combine_OnlyARateLimit_IsNotRetried()
    {
        var error = ErrorAggregation.Combine(ErrorKind.AllModelProvidersFailed, "all failed", [RateLimit]);

        Assert.Equal(ErrorKind.RateLimited, error.Kind);
        Assert.False(error.IsRetryable);
    }
}
