using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Collections;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Variants;

namespace TensorZero.Gateway.Inference.Functions;

/// <summary>
/// The functions of <c>[functions]</c>, built once at startup with each variant's model resolved, plus the default
/// function of a <c>model_name</c> request: one chat variant on that model, built once per model name (shorthand names
/// included, as many as the shorthand model cache keeps) rather than on every request.
/// </summary>
public sealed class FunctionTable
{
    public const string DefaultFunctionName = "tensorzero::default";

    private readonly IReadOnlyDictionary<string, FunctionRuntime> _configured;
    private readonly ModelTable _models;
    private readonly TimeProvider _time;
    private readonly BoundedLruCache<FunctionRuntime> _defaults;
    private readonly Func<string, FunctionRuntime> _buildDefault;

    private FunctionTable(IReadOnlyDictionary<string, FunctionRuntime> configured, ModelTable models, int modelCount, TimeProvider time)
    {
        _configured = configured;
        _models = models;
        _time = time;
        _defaults = new BoundedLruCache<FunctionRuntime>(modelCount + ShorthandModelCache<Model>.MaxEntries);
        _buildDefault = BuildDefault;
    }

    /// <summary>Builds every function; a variant model that can't be built adds its problem to <paramref name="errors"/>.</summary>
    public static FunctionTable Build(GatewayConfig config, ModelTable models, TimeProvider time, List<string> errors, ILoggerFactory? loggers = null)
    {
        var templates = PromptTemplates.Build(config, errors);
        var strategies = new VariantStrategies(time, (loggers ?? NullLoggerFactory.Instance).CreateLogger<VariantStrategies>());
        var functions = new Dictionary<string, FunctionRuntime>(StringComparer.Ordinal);
        foreach (var (name, function) in config.Functions)
        {
            var variants = new Dictionary<string, VariantRuntime>(StringComparer.Ordinal);
            foreach (var variantName in function.Variants.Keys)
            {
                BuildVariant(variantName);
            }
            functions[name] = new FunctionRuntime(function, variants);

            // A best-of-N or mixture-of-N variant is built after its candidates (the config refused cycles).
            VariantRuntime BuildVariant(string variantName)
            {
                if (variants.TryGetValue(variantName, out var built))
                {
                    return built;
                }
                var variant = function.Variants[variantName];
                VariantRuntime runtime;
                if ((variant.Evaluator ?? variant.Fuser) is { } judge)
                {
                    var candidates = variant.Candidates.Select(BuildVariant).ToList();
                    runtime = new VariantRuntime(variant, null, time) { Strategy = strategies.WithCandidates(variant, candidates, BuildTable(judge)) };
                }
                else
                {
                    runtime = BuildTable(variant, variant.Type == VariantTypes.ChainOfThought ? strategies.ChainOfThought(function) : null);
                }
                variants[variantName] = runtime;
                return runtime;
            }

            // A table that calls a model with its own prompts: a variant, or a best-of-N evaluator / mixture-of-N fuser.
            VariantRuntime BuildTable(VariantConfig table, IVariantStrategy? strategy = null) =>
                new(table, ResolveModel(models, table, $"functions.{name}.variants.{table.Name}.model", errors), time, templates: templates.For(table))
                {
                    Strategy = strategy,
                };
        }
        return new FunctionTable(functions, models, config.Models.Count, time);
    }

    public bool TryGet(string name, out FunctionRuntime function) => _configured.TryGetValue(name, out function!);

    /// <summary>The default function of <c>model_name</c> requests to this model.</summary>
    public FunctionRuntime Default(string modelName) => _defaults.GetOrAdd(modelName, _buildDefault);

    private FunctionRuntime BuildDefault(string name)
    {
        var variant = new VariantConfig(name, "chat_completion", name, null, InferenceParams.Empty, null, RetryConfig.None, null, [], []);
        var config = new FunctionConfig(DefaultFunctionName, FunctionType.Chat, new Dictionary<string, VariantConfig>(StringComparer.Ordinal)
        {
            [name] = variant,
        });
        return new FunctionRuntime(config, new Dictionary<string, VariantRuntime>(StringComparer.Ordinal)
        {
            // Resolved when the variant runs, so a shorthand model that can't be built fails that variant, as in TensorZero.
            [name] = new VariantRuntime(variant, null, _time, _models),
        });
    }

    private static Model? ResolveModel(ModelTable models, VariantConfig variant, string path, List<string> errors)
    {
        if (variant.Model is not { } name)
        {
            return null;
        }
        var problems = models.ShorthandCredentialProblems(name);
        if (problems.Count > 0)
        {
            errors.AddRange(problems.Select(p => $"`{path}`: {p}"));
            return null;
        }
        try
        {
            return models.Get(name);
        }
        catch (GatewayError e)
        {
            errors.Add($"`{path}`: {e.Message}");
            return null;
        }
    }
}
