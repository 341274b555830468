using Polly;
using Polly.Retry;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Templates;

namespace TensorZero.Gateway.Inference.Functions;

/// <summary>
/// A variant ready to run, built once at startup: its config, the model it calls (resolved, not looked up per
/// request), its compiled templates and its retry pipeline, and for the optimization types the strategy that runs it.
/// </summary>
public sealed class VariantRuntime
{
    private readonly ModelTable? _models;
    private Model? _model;

    /// <param name="model">The resolved model; null for variants that call no model themselves, or to resolve it on first use.</param>
    /// <param name="models">Where to find the model on first use when <paramref name="model"/> is null (a default function's shorthand model).</param>
    public VariantRuntime(VariantConfig config, Model? model, TimeProvider time, ModelTable? models = null, IReadOnlyDictionary<string, Template>? templates = null)
    {
        Templates = templates ?? new Dictionary<string, Template>();
        Config = config;
        _model = model;
        _models = models;
        JsonMode = JsonModes.Parse(config.JsonMode);
        Retries = config.Retries.NumRetries > 0 ? BuildRetryPipeline(config.Retries, time) : null;
    }

    public VariantConfig Config { get; }

    public string Name => Config.Name;

    /// <summary>The model a <c>chat_completion</c> or chain-of-thought variant (or an evaluator, a fuser) calls; null for best-of-N and mixture-of-N.</summary>
    /// <exception cref="GatewayError">A model resolved on first use that can't be built (its default credential, a bad name).</exception>
    public Model? Model => _model ??= _models is not null && Config.Model is { } name ? _models.Get(name) : null;

    /// <summary>The variant's <c>json_mode</c>, if set.</summary>
    public JsonMode? JsonMode { get; }

    /// <summary>Retries of the whole variant call (<c>retries</c>); null when <c>num_retries</c> is 0.</summary>
    public ResiliencePipeline? Retries { get; }

    /// <summary>How a best-of-N, mixture-of-N or chain-of-thought variant answers; null for <c>chat_completion</c>.</summary>
    public IVariantStrategy? Strategy { get; init; }

    /// <summary>Compiled templates by name: <c>system</c>, <c>user</c>, <c>assistant</c> and each <c>templates.&lt;name&gt;</c>.</summary>
    public IReadOnlyDictionary<string, Template> Templates { get; }

    /// <summary>A provider's <c>Retry-After</c>, capped at <c>max_delay_s</c>; otherwise null (exponential backoff with jitter).</summary>
    public static TimeSpan? RetryDelay(Exception? error, TimeSpan maxDelay) =>
        error is GatewayError { RetryAfter: { } wait } ? (wait < maxDelay ? wait : maxDelay) : null;

    private static ResiliencePipeline BuildRetryPipeline(RetryConfig retries, TimeProvider time)
    {
        var maxDelay = TimeSpan.FromSeconds(Math.Max(0, retries.MaxDelaySeconds));
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retries.NumRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = maxDelay < TimeSpan.FromSeconds(1) ? maxDelay : TimeSpan.FromSeconds(1),
                MaxDelay = maxDelay,
                ShouldHandle = new PredicateBuilder().Handle<GatewayError>(e => e.IsRetryable),
                DelayGenerator = args => ValueTask.FromResult(RetryDelay(args.Outcome.Exception, maxDelay)),
            })
            .Build();
    }
}
