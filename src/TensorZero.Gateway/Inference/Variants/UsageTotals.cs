using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// The usage of an answer that took several model calls, summed as TensorZero sums it: each count is the sum over the
/// calls, and unknown (null) as soon as one call did not report it.
/// </summary>
internal static class UsageTotals
{
    public static Usage Sum(IEnumerable<Usage> usages) =>
        usages.Aggregate(new Usage(0, 0), (total, usage) => new Usage(total.InputTokens + usage.InputTokens, total.OutputTokens + usage.OutputTokens));

    /// <summary>
    /// <paramref name="result"/> with the usage of the other calls added to its own, and those calls kept with it (after
    /// any it had), so their raw responses and raw usage are reported as TensorZero reports them.
    /// </summary>
    public static ModelResult AddTo(ModelResult result, IEnumerable<ModelResult> others)
    {
        var list = others.ToList();
        return result with
        {
            OwnUsage = result.OwnUsage ?? result.Response.Usage,
            Response = result.Response with { Usage = Sum(list.Select(o => o.Response.Usage).Prepend(result.Response.Usage)) },
            OtherModelResults = [.. result.OtherModelResults, .. list],
        };
    }
}
