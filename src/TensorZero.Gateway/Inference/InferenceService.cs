using Polly;
using Polly.Retry;
using TensorZero.Gateway.Collections;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Runs one inference: resolves the function (or the default function of <c>model_name</c>), samples variants with
/// fallback to the next one on failure, retries a variant as configured, and routes its model over its providers.
/// </summary>
public sealed class InferenceService
{
    public const string DefaultFunctionName = "tensorzero::default";

    private readonly GatewayConfig _config;
    private readonly ModelTable _models;
    private readonly TimeProvider _time;
    // Keyed by the variant instance of the config (built once at startup), not by the record's value: a lookup costs a
    // reference hash, and two variants that happen to be equal never share an entry.
    private readonly Dictionary<VariantConfig, ResiliencePipeline> _retryPipelines;
    private readonly BoundedLruCache<FunctionConfig> _defaultFunctions;

    public InferenceService(GatewayConfig config, ModelTable models, TimeProvider time)
    {
        _config = config;
        _models = models;
        _time = time;
        _defaultFunctions = new BoundedLruCache<FunctionConfig>(config.Models.Count + ShorthandModelCache<Model>.MaxEntries);
        _retryPipelines = config.Functions.Values
            .SelectMany(f => f.Variants.Values)
            .Where(v => v.Retries.NumRetries > 0)
            .ToDictionary<VariantConfig, VariantConfig, ResiliencePipeline>(v => v, v => BuildRetryPipeline(v.Retries, time), ReferenceEqualityComparer.Instance);
    }

    public async Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var (function, pinned, tools, inferenceId, episodeId) = Begin(request);
        var (variant, result) = await RunVariantsAsync(function, pinned, episodeId,
            v => InferVariantAsync(function, v, request, tools, cancellationToken)).ConfigureAwait(false);
        return new InferenceResult(inferenceId, episodeId, variant.Name, function.Type, result, tools.Schemas(JsonModeOf(variant, request)));
    }

    /// <summary>
    /// Starts a streamed inference. Routing and variant fallback apply until a provider delivers its first chunk; after
    /// that, failures arrive inside the stream.
    /// </summary>
    public async Task<InferenceStreamResult> StreamAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var (function, pinned, tools, inferenceId, episodeId) = Begin(request);
        var (variant, run) = await RunVariantsAsync(function, pinned, episodeId,
            v => StreamVariantAsync(function, v, request, tools, cancellationToken)).ConfigureAwait(false);
        return new InferenceStreamResult(inferenceId, episodeId, variant.Name, function.Type, run, tools.Schemas(JsonModeOf(variant, request)));
    }

    // Everything that is checked once per request, before any variant runs, and the request's ids.
    private (FunctionConfig Function, VariantConfig? Pinned, RequestTools Tools, Guid InferenceId, Guid EpisodeId) Begin(InferenceRequest request)
    {
        var (function, pinned) = ResolveTarget(request);
        var tools = RequestTools.Build(_config, function, request);
        PromptRenderer.Validate(function, request.Input);
        var now = _time.GetUtcNow();
        return (function, pinned, tools, Guid.CreateVersion7(now), request.EpisodeId ?? Guid.CreateVersion7(now));
    }

    // Pinned: that variant only, its error bare. Otherwise: sample, and on failure sample again among the rest.
    private static async Task<(VariantConfig Variant, T Result)> RunVariantsAsync<T>(
        FunctionConfig function,
        VariantConfig? pinned,
        Guid episodeId,
        Func<VariantConfig, Task<T>> run)
    {
        if (pinned is not null)
        {
            return (pinned, await run(pinned).ConfigureAwait(false));
        }
        if (function.Variants.Count == 0)
        {
            throw new GatewayError(ErrorKind.Internal, $"Function `{function.Name}` has no variants");
        }
        var draw = VariantSampler.Draw(function.Name, episodeId);
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<(string Variant, GatewayError Error)>();
        while (VariantSampler.Pick(function, tried, draw) is { } variant)
        {
            tried.Add(variant.Name);
            try
            {
                return (variant, await run(variant).ConfigureAwait(false));
            }
            catch (GatewayError e)
            {
                failures.Add((variant.Name, e));
            }
        }
        if (failures.Count == 0)
        {
            throw new GatewayError(ErrorKind.Internal, $"Function `{function.Name}` has no variant that can be sampled; pin one with `variant_name`");
        }
        throw ErrorAggregation.Combine(
            ErrorKind.AllVariantsFailed,
            "All variants failed with errors: " + string.Join("\n", failures.Select(f => $"{f.Variant}: {f.Error.Message}")),
            failures.Select(f => f.Error));
    }

    /// <summary>
    /// The default function of a <c>model_name</c> request: one chat variant on that model, built once per model name
    /// (shorthand names included, as many as the shorthand model cache keeps) rather than on every request.
    /// </summary>
    internal FunctionConfig DefaultFunction(string modelName) => _defaultFunctions.GetOrAdd(modelName, static name =>
        new FunctionConfig(DefaultFunctionName, FunctionType.Chat, new Dictionary<string, VariantConfig>(StringComparer.Ordinal)
        {
            [name] = new VariantConfig(name, "chat_completion", name, null, InferenceParams.Empty, null, RetryConfig.None, null, [], []),
        }));

    private (FunctionConfig Function, VariantConfig? Pinned) ResolveTarget(InferenceRequest request)
    {
        if (request.FunctionName is not null && request.ModelName is not null)
        {
            throw GatewayError.InvalidRequest("Invalid inference target: Only one of `function_name` or `model_name` can be provided");
        }
        if (request.ModelName is { } modelName)
        {
            if (request.VariantName is not null)
            {
                throw GatewayError.InvalidRequest("Invalid inference target: `variant_name` cannot be provided when using `model_name`");
            }
            if (!_models.Contains(modelName))
            {
                throw GatewayError.InvalidRequest($"Invalid inference target: Invalid model name: Model name '{modelName}' not found in model table");
            }
            return (DefaultFunction(modelName), null);
        }
        if (request.FunctionName is not { } functionName)
        {
            throw GatewayError.InvalidRequest("Invalid inference target: Either `function_name` or `model_name` must be provided");
        }
        if (!_config.Functions.TryGetValue(functionName, out var configured))
        {
            throw new GatewayError(ErrorKind.UnknownFunction, $"Unknown function: {functionName}");
        }
        if (request.VariantName is { } variantName)
        {
            return configured.Variants.TryGetValue(variantName, out var pinned)
                ? (configured, pinned)
                : throw new GatewayError(ErrorKind.UnknownVariant, $"Unknown variant: {variantName}");
        }
        return (configured, null);
    }

    private async Task<ModelStreamRun> StreamVariantAsync(
        FunctionConfig function,
        VariantConfig variant,
        InferenceRequest request,
        RequestTools tools,
        CancellationToken cancellationToken)
    {
        var (model, modelRequest) = Prepare(function, variant, request, tools);
        var deadline = new StreamDeadline(_time, variant.Timeouts?.StreamingTtftMs, variant.Timeouts?.StreamingTotalMs, cancellationToken);
        try
        {
            ModelStreamRun run;
            if (!_retryPipelines.TryGetValue(variant, out var pipeline))
            {
                run = await model.StreamAsync(modelRequest, request.Credentials, deadline.Token).ConfigureAwait(false);
            }
            else
            {
                run = await pipeline.ExecuteAsync(
                    static async (state, token) => await state.model.StreamAsync(state.modelRequest, state.Credentials, token).ConfigureAwait(false),
                    (model, modelRequest, request.Credentials),
                    deadline.Token).ConfigureAwait(false);
            }
            run.Adopt(deadline, $"Variant `{variant.Name}`");
            return run;
        }
        catch (Exception e) when (deadline.Expired && e is OperationCanceledException or GatewayError)
        {
            deadline.Dispose();
            throw ModelStreamRun.TimeoutError(deadline, $"Variant `{variant.Name}`");
        }
        catch
        {
            deadline.Dispose();
            throw;
        }
    }

    private static JsonMode JsonModeOf(VariantConfig variant, InferenceRequest request) =>
        request.JsonMode ?? JsonModes.Parse(variant.JsonMode) ?? JsonMode.Off;

    private (Model Model, ModelRequest Request) Prepare(FunctionConfig function, VariantConfig variant, InferenceRequest request, RequestTools tools)
    {
        if (variant.Type != "chat_completion" || variant.Model is null)
        {
            throw new GatewayError(ErrorKind.Internal, $"Variant type `{variant.Type}` (variant `{variant.Name}`) is not supported by this gateway yet");
        }
        var (system, messages) = PromptRenderer.Render(function, variant, request.Input);
        var modelRequest = new ModelRequest(
            system,
            messages,
            variant.Params.With(request.Params),
            variant.ExtraBody,
            variant.ExtraHeaders,
            tools.Definitions.Count == 0 ? null : tools.Definitions,
            tools.ToolChoice,
            tools.ParallelToolCalls,
            JsonModeOf(variant, request),
            tools.OutputSchema?.Node)
        {
            RequestExtraBody = request.ExtraBody.Where(e => e.VariantName is null || e.VariantName == variant.Name).ToList(),
            RequestExtraHeaders = request.ExtraHeaders.Where(e => e.VariantName is null || e.VariantName == variant.Name).ToList(),
        };
        return (_models.Get(variant.Model), modelRequest);
    }

    private async Task<ModelResult> InferVariantAsync(
        FunctionConfig function,
        VariantConfig variant,
        InferenceRequest request,
        RequestTools tools,
        CancellationToken cancellationToken)
    {
        var (model, modelRequest) = Prepare(function, variant, request, tools);

        using var deadline = Deadline.Start(variant.Timeouts?.NonStreamingTotalMs, _time, cancellationToken);
        try
        {
            if (!_retryPipelines.TryGetValue(variant, out var pipeline))
            {
                return await model.InferAsync(modelRequest, request.Credentials, deadline.Token).ConfigureAwait(false);
            }
            return await pipeline.ExecuteAsync(
                static async (state, token) => await state.model.InferAsync(state.modelRequest, state.Credentials, token).ConfigureAwait(false),
                (model, modelRequest, request.Credentials),
                deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw new GatewayError(ErrorKind.Timeout,
                $"Variant `{variant.Name}` timed out due to configured `non_streaming.total_ms` timeout ({variant.Timeouts!.NonStreamingTotalMs} ms)");
        }
    }

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
