using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Runs one inference: resolves the function (or the default function of <c>model_name</c>), samples variants with
/// fallback to the next one on failure, retries a variant as configured, and routes its model over its providers.
/// </summary>
public sealed class InferenceService(GatewayConfig config, FunctionTable functions, ModelTable models, TimeProvider time)
{
    public const string DefaultFunctionName = FunctionTable.DefaultFunctionName;

    private static readonly ISet<string> NoneTried = System.Collections.Immutable.ImmutableHashSet<string>.Empty;

    public async Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var (function, pinned, tools, inferenceId, episodeId) = Begin(request);
        var (variant, result, failed) = await RunVariantsAsync(function, pinned, episodeId,
            v => InferVariantAsync(function, v, request, tools, cancellationToken)).ConfigureAwait(false);
        var jsonMode = JsonModeOf(variant, request);
        if (JsonToolAsText.Applies(function.Type, jsonMode))
        {
            result = result with { Response = JsonToolAsText.Convert(result.Response) };
        }
        return new InferenceResult(inferenceId, episodeId, variant.Name, function.Type, result, tools.Schemas(jsonMode))
        {
            FailedRawResponses = failed,
            VariantParams = VariantParams(variant),
        };
    }

    /// <summary>
    /// Starts a streamed inference. Routing and variant fallback apply until a provider delivers its first chunk; after
    /// that, failures arrive inside the stream.
    /// </summary>
    public async Task<InferenceStreamResult> StreamAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var (function, pinned, tools, inferenceId, episodeId) = Begin(request);
        var (variant, run, failed) = await RunVariantsAsync(function, pinned, episodeId,
            v => StreamVariantAsync(function, v, request, tools, cancellationToken)).ConfigureAwait(false);
        var jsonMode = JsonModeOf(variant, request);
        if (JsonToolAsText.Applies(function.Type, jsonMode))
        {
            run.MapChunks(JsonToolAsText.Convert);
        }
        return new InferenceStreamResult(inferenceId, episodeId, variant.Name, function.Type, run, tools.Schemas(jsonMode))
        {
            FailedRawResponses = failed,
            VariantParams = VariantParams(variant),
        };
    }

    /// <summary>
    /// The parameters a variant's config sets, which the stored <c>inference_params</c> fill the request's gaps with,
    /// as TensorZero's variants do: a best-of-N variant's are its evaluator's, a mixture-of-N variant's its fuser's
    /// (the call that writes the answer), any other variant's its own.
    /// </summary>
    internal static InferenceParams VariantParams(VariantRuntime variant) =>
        (variant.Config.Evaluator ?? variant.Config.Fuser ?? variant.Config).Params;

    // Everything that is checked once per request, before any variant runs, and the request's ids.
    private (FunctionRuntime Function, VariantRuntime? Pinned, RequestTools Tools, Guid InferenceId, Guid EpisodeId) Begin(InferenceRequest request)
    {
        var (function, pinned) = ResolveTarget(request);
        var tools = RequestTools.Build(config, function.Config, request);
        Routing.CustomToolSupport.Check(function, pinned, tools);
        PromptRenderer.Validate(function.Config, request.Input);
        var now = time.GetUtcNow();
        return (function, pinned, tools, UuidV7.New(now), request.EpisodeId ?? UuidV7.New(now));
    }

    // Pinned: that variant only, its error bare. Otherwise: sample, and on failure sample again among the rest; the
    // raw answers of the variants that failed come back with the one that answered.
    private static async Task<(VariantRuntime Variant, T Result, IReadOnlyList<RawResponseEntry> Failed)> RunVariantsAsync<T>(
        FunctionRuntime function,
        VariantRuntime? pinned,
        Guid episodeId,
        Func<VariantRuntime, Task<T>> run)
    {
        if (pinned is not null)
        {
            return (pinned, await run(pinned).ConfigureAwait(false), []);
        }
        if (function.Variants.Count == 0)
        {
            throw new GatewayError(ErrorKind.Internal, $"Function `{function.Name}` has no variants");
        }
        var draw = VariantSampler.NeedsDraw(function.Config) ? VariantSampler.Draw(function.Name, episodeId) : 0;
        // Both are made on the first failure: most requests are answered by the first variant picked.
        HashSet<string>? tried = null;
        List<(string Variant, GatewayError Error)>? failures = null;
        while (VariantSampler.Pick(function.Config, tried ?? NoneTried, draw) is { } picked)
        {
            var variant = function.Variants[picked.Name];
            try
            {
                var result = await run(variant).ConfigureAwait(false);
                // Typed as the interface, so that `[]` is the shared empty array rather than a new empty list (the common case).
                return (variant, result, failures is null ? [] : (IReadOnlyList<RawResponseEntry>)failures.SelectMany(f => f.Error.RawResponses).ToList());
            }
            catch (GatewayError e)
            {
                (tried ??= new HashSet<string>(StringComparer.Ordinal)).Add(variant.Name);
                (failures ??= []).Add((variant.Name, e));
            }
        }
        if (failures is null)
        {
            throw new GatewayError(ErrorKind.Internal, $"Function `{function.Name}` has no variant that can be sampled; pin one with `variant_name`");
        }
        throw ErrorAggregation.Combine(
            ErrorKind.AllVariantsFailed,
            "All variants failed with errors: " + string.Join("\n", failures.Select(f => $"{f.Variant}: {f.Error.Message}")),
            failures.Select(f => f.Error));
    }

    private (FunctionRuntime Function, VariantRuntime? Pinned) ResolveTarget(InferenceRequest request)
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
            if (!models.Contains(modelName))
            {
                throw GatewayError.InvalidRequest($"Invalid inference target: Invalid model name: Model name '{modelName}' not found in model table");
            }
            return (functions.Default(modelName), null);
        }
        if (request.FunctionName is not { } functionName)
        {
            throw GatewayError.InvalidRequest("Invalid inference target: Either `function_name` or `model_name` must be provided");
        }
        if (!functions.TryGet(functionName, out var configured))
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
        FunctionRuntime function,
        VariantRuntime variant,
        InferenceRequest request,
        RequestTools tools,
        CancellationToken cancellationToken)
    {
        if (variant.Strategy is { } strategy)
        {
            return await strategy.StreamAsync(variant, Call(function, request, tools), cancellationToken).ConfigureAwait(false);
        }
        var (model, modelRequest) = Prepare(function, variant, request, tools);
        var timeouts = variant.Config.Timeouts;
        var deadline = new StreamDeadline(time, timeouts?.StreamingTtftMs, timeouts?.StreamingTotalMs, cancellationToken);
        try
        {
            var run = await Variants.ModelCalls.StreamAsync(variant, model, modelRequest, request.Credentials, deadline.Token).ConfigureAwait(false);
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

    // The inference in progress as a best-of-N, mixture-of-N or chain-of-thought variant sees it: its candidates run
    // through this service, and its evaluator or fuser prepares its request as a variant would.
    private VariantCall Call(FunctionRuntime function, InferenceRequest request, RequestTools tools) => new(
        function,
        request,
        tools,
        (variant, candidateRequest, token) => InferVariantAsync(function, variant, candidateRequest, tools, token),
        (table, tableRequest) => Prepare(function, table, tableRequest, tools));

    private static JsonMode JsonModeOf(VariantRuntime variant, InferenceRequest request) =>
        request.JsonMode ?? variant.JsonMode ?? JsonMode.Off;

    private static (Model Model, ModelRequest Request) Prepare(FunctionRuntime function, VariantRuntime variant, InferenceRequest request, RequestTools tools)
    {
        if (variant.Model is not { } model)
        {
            throw new GatewayError(ErrorKind.Internal, $"Variant type `{variant.Config.Type}` (variant `{variant.Name}`) is not supported by this gateway yet");
        }
        var config = variant.Config;
        var (system, messages) = PromptRenderer.Render(function.Config, variant, request.Input);
        var modelRequest = new ModelRequest(
            system,
            messages,
            config.Params.With(request.Params),
            config.ExtraBody,
            config.ExtraHeaders,
            tools.Definitions.Count == 0 ? null : tools.Definitions,
            tools.ToolChoice,
            tools.ParallelToolCalls,
            JsonModeOf(variant, request),
            tools.OutputSchema?.Node)
        {
            FunctionType = function.Config.Type,
            Cache = request.Cache.ForDryrun(request.Dryrun),
            CustomTools = tools.CustomTools.Count == 0 ? null : tools.CustomTools,
            RequestExtraBody = ForVariant(request.ExtraBody, variant.Name),
            RequestExtraHeaders = ForVariant(request.ExtraHeaders, variant.Name),
            RequestProviderTools = request.ProviderTools,
        };
        return (model, modelRequest);
    }

    // The request's `extra_body` or `extra_headers` entries for every variant and for this one.
    private static IReadOnlyList<TargetedExtra<T>> ForVariant<T>(IReadOnlyList<TargetedExtra<T>> extras, string variant) =>
        extras.Count == 0 ? [] : extras.Where(e => e.TargetsVariant(variant)).ToList();

    private async Task<ModelResult> InferVariantAsync(
        FunctionRuntime function,
        VariantRuntime variant,
        InferenceRequest request,
        RequestTools tools,
        CancellationToken cancellationToken)
    {
        if (variant.Strategy is { } strategy)
        {
            return await strategy.InferAsync(variant, Call(function, request, tools), cancellationToken).ConfigureAwait(false);
        }
        var (model, modelRequest) = Prepare(function, variant, request, tools);

        using var deadline = Deadline.Start(variant.Config.Timeouts?.NonStreamingTotalMs, time, cancellationToken);
        try
        {
            return await Variants.ModelCalls.InferAsync(variant, model, modelRequest, request.Credentials, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw new GatewayError(ErrorKind.Timeout,
                $"Variant `{variant.Name}` timed out due to configured `non_streaming.total_ms` timeout ({variant.Config.Timeouts!.NonStreamingTotalMs} ms)");
        }
    }
}
