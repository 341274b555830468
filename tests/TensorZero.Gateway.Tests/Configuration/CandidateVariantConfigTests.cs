using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>
/// The keys TensorZero accepts for <c>experimental_best_of_n_sampling</c>, <c>experimental_mixture_of_n</c> and
/// <c>experimental_chain_of_thought</c> are read; wrong keys, types and names are errors with their TOML paths; and
/// <c>experimental_dynamic_in_context_learning</c> stops the gateway with the reason.
/// </summary>
public sealed class CandidateVariantConfigTests
{
    private const string Candidates = """
        [functions.f]
        type = "chat"

        [functions.f.variants.a]
        type = "chat_completion"
        model = "dummy::good"

        [functions.f.variants.b]
        type = "chat_completion"
        model = "dummy::alternate"

        """;

    private static GatewayConfig Parse(string toml, string directory = "/configs") =>
        new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, directory);

    private static IReadOnlyList<string> Errors(string toml) => Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_BestOfN_ReadsEveryKeyOfTheVariantAndItsEvaluator()
    {
        var config = Parse(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"
            weight = 0.5
            candidates = ["a", "b", "a"]
            timeouts = { non_streaming.total_ms = 9000, streaming.ttft_ms = 800 }

            [functions.f.variants.best.evaluator]
            model = "dummy::best_of_n_0"
            temperature = 0.3
            max_tokens = 120
            top_p = 0.9
            seed = 4
            presence_penalty = 0.1
            frequency_penalty = 0.2
            stop_sequences = ["END"]
            json_mode = "tool"
            retries = { num_retries = 2, max_delay_s = 3 }
            extra_body = [{ pointer = "/judge", value = true }]
            extra_headers = [{ name = "x-judge", value = "1" }]
            """);

        var best = config.Functions["f"].Variants["best"];
        Assert.Equal(VariantTypes.BestOfNSampling, best.Type);
        Assert.Equal(0.5, best.Weight);
        Assert.Equal(["a", "b", "a"], best.Candidates);
        Assert.Equal(new TimeoutsConfig(9000, 800, null), best.Timeouts);
        var evaluator = best.Evaluator!;
        Assert.Equal("best.evaluator", evaluator.Name);
        Assert.Equal("dummy::best_of_n_0", evaluator.Model);
        Assert.Equal(new InferenceParams(0.3, 120, 0.9, 4, 0.1, 0.2, null), evaluator.Params with { StopSequences = null });
        Assert.Equal(["END"], evaluator.Params.StopSequences!);
        Assert.Equal("tool", evaluator.JsonMode);
        Assert.Equal(new RetryConfig(2, 3), evaluator.Retries);
        Assert.Equal("/judge", Assert.Single(evaluator.ExtraBody).Pointer);
        Assert.Equal("x-judge", Assert.Single(evaluator.ExtraHeaders).Name);
        Assert.Null(best.Fuser);
    }

    [Fact]
    public void Parse_MixtureOfN_ReadsItsFuser()
    {
        var config = Parse(Candidates + """
            [functions.f.variants.fused]
            type = "experimental_mixture_of_n"
            candidates = ["a", "b"]

            [functions.f.variants.fused.fuser]
            model = "dummy::good"
            temperature = 0.7
            """);

        var fused = config.Functions["f"].Variants["fused"];
        Assert.Equal(["a", "b"], fused.Candidates);
        Assert.Equal("fused.fuser", fused.Fuser!.Name);
        Assert.Equal(0.7, fused.Fuser.Params.Temperature);
        Assert.Null(fused.Evaluator);
    }

    [Fact]
    public void Parse_CandidateNotInTheFunction_IsAnErrorAtItsIndex()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"
            candidates = ["a", "missing"]
            [functions.f.variants.best.evaluator]
            model = "dummy::best_of_n_0"
            """);

        Assert.Equal(["`functions.f.variants.best.candidates[1]`: names variant `missing`, which this function does not define"], errors);
    }

    [Fact]
    public void Parse_VariantThatIsItsOwnCandidate_IsAnError()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.x]
            type = "experimental_best_of_n_sampling"
            candidates = ["a", "y"]
            [functions.f.variants.x.evaluator]
            model = "dummy::best_of_n_0"

            [functions.f.variants.y]
            type = "experimental_mixture_of_n"
            candidates = ["x"]
            [functions.f.variants.y.fuser]
            model = "dummy::good"
            """);

        Assert.Contains("`functions.f.variants.x.candidates`: leads back to `x` (x → y → x): a variant can't be its own candidate", errors);
        Assert.Contains("`functions.f.variants.y.candidates`: leads back to `y` (y → x → y): a variant can't be its own candidate", errors);
    }

    [Fact]
    public void Parse_WrongKeysAndTypes_AreErrorsWithTheirPaths()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"
            candidates = "a"
            timeout_s = "soon"
            fuser = { model = "dummy::good" }
            [functions.f.variants.best.evaluator]
            model = "dummy::best_of_n_0"
            timeouts = { non_streaming.total_ms = 100 }
            temperature = "warm"

            [functions.f.variants.fused]
            type = "experimental_mixture_of_n"
            candidates = []
            fuser = "dummy::good"
            """);

        Assert.Contains(errors, e => e.StartsWith("`functions.f.variants.best.fuser`: unknown key (valid keys here: ", StringComparison.Ordinal));
        Assert.Contains("`functions.f.variants.best.candidates`: must be an array of strings, found a string", errors);
        Assert.Contains("`functions.f.variants.best.timeout_s`: must be a number, found a string", errors);
        Assert.Contains(errors, e => e.StartsWith("`functions.f.variants.best.evaluator.timeouts`: unknown key (valid keys here: ", StringComparison.Ordinal));
        Assert.Contains("`functions.f.variants.best.evaluator.temperature`: must be a number, found a string", errors);
        Assert.Contains("`functions.f.variants.fused.candidates`: must name at least one variant of this function", errors);
        Assert.Contains("`functions.f.variants.fused.fuser`: must be a table, found a string", errors);
    }

    [Fact]
    public void Parse_MissingCandidatesOrEvaluator_AreRequired()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"

            [functions.f.variants.fused]
            type = "experimental_mixture_of_n"
            candidates = ["a"]
            [functions.f.variants.fused.fuser]
            temperature = 0.1
            """);

        Assert.Contains("`functions.f.variants.best.candidates`: is required", errors);
        Assert.Contains("`functions.f.variants.best.evaluator`: is required", errors);
        Assert.Contains("`functions.f.variants.fused.fuser.model`: is required", errors);
    }

    [Fact]
    public void Parse_EvaluatorModelNotDefined_IsAnErrorAtItsPath()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"
            candidates = ["a", "b"]
            [functions.f.variants.best.evaluator]
            model = "judge"
            """);

        Assert.Equal(
            ["`functions.f.variants.best.evaluator.model`: model `judge` is not defined under `[models]` and is not a shorthand such as `openai::gpt-4o-mini`"],
            errors);
    }

    [Fact]
    public void Parse_DynamicInContextLearning_StopsWithTheReason()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.dicl]
            type = "experimental_dynamic_in_context_learning"
            embedding_model = "text-embedding-3-small"
            model = "dummy::good"
            k = 3
            """);

        var error = Assert.Single(errors);
        Assert.StartsWith("`functions.f.variants.dicl.type`: variant type `experimental_dynamic_in_context_learning` is not supported by this gateway yet", error, StringComparison.Ordinal);
        Assert.Contains("stored examples", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ChainOfThought_ReadsItsChatCompletionKeysInAJsonFunction()
    {
        var config = Parse("""
            [functions.j]
            type = "json"

            [functions.j.variants.cot]
            type = "experimental_chain_of_thought"
            model = "dummy::json_cot"
            json_mode = "strict"
            temperature = 0.4
            retries = { num_retries = 1, max_delay_s = 1 }
            timeouts = { non_streaming.total_ms = 5000 }
            """);

        var cot = config.Functions["j"].Variants["cot"];
        Assert.Equal(VariantTypes.ChainOfThought, cot.Type);
        Assert.Equal("dummy::json_cot", cot.Model);
        Assert.Equal(0.4, cot.Params.Temperature);
        Assert.Equal(1, cot.Retries.NumRetries);
        Assert.Equal(5000, cot.Timeouts!.NonStreamingTotalMs);
        Assert.Contains(config.Warnings, w => w.StartsWith(
            "`functions.j.variants.cot.type` Deprecation Warning (#5298 / 2026.2+): We are deprecating `experimental_chain_of_thought`",
            StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ChainOfThoughtInAChatFunction_IsAnError()
    {
        var errors = Errors(Candidates + """
            [functions.f.variants.cot]
            type = "experimental_chain_of_thought"
            model = "dummy::json_cot"
            """);

        Assert.Equal(
            ["`functions.f.variants.cot.type`: variant type `experimental_chain_of_thought` is only valid for JSON functions (it asks the model for JSON with its thinking)"],
            errors);
    }

    [Fact]
    public void Parse_JsonFunction_FuserAndChainOfThoughtNeedJsonModeButTheEvaluatorDefaultsToStrict()
    {
        var errors = Errors("""
            [functions.j]
            type = "json"

            [functions.j.variants.a]
            type = "chat_completion"
            model = "dummy::json"
            json_mode = "strict"

            [functions.j.variants.best]
            type = "experimental_best_of_n_sampling"
            candidates = ["a"]
            [functions.j.variants.best.evaluator]
            model = "dummy::best_of_n_0"

            [functions.j.variants.fused]
            type = "experimental_mixture_of_n"
            candidates = ["a"]
            [functions.j.variants.fused.fuser]
            model = "dummy::json"

            [functions.j.variants.cot]
            type = "experimental_chain_of_thought"
            model = "dummy::json_cot"
            """);

        Assert.Equal(
            [
                "`functions.j.variants.fused.fuser.json_mode`: is required, since the parent function is a JSON function",
                "`functions.j.variants.cot.json_mode`: is required, since the parent function is a JSON function",
            ],
            errors);
    }

    [Fact]
    public void Parse_DeprecatedTimeoutS_BecomesEachCandidatesTimeoutsWithAWarning()
    {
        var config = Parse(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"
            timeout_s = 1.5
            candidates = ["a", "b", "a"]
            [functions.f.variants.best.evaluator]
            model = "dummy::best_of_n_0"
            """);

        var variants = config.Functions["f"].Variants;
        Assert.Equal(new TimeoutsConfig(1500, 1500, null), variants["a"].Timeouts);
        Assert.Equal(new TimeoutsConfig(1500, 1500, null), variants["b"].Timeouts);
        Assert.Null(variants["best"].Timeouts);
        Assert.Contains(config.Warnings, w => w.StartsWith("`functions.f.variants.best.timeout_s` is deprecated: set `timeouts` on the candidate variants instead", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TimeoutSWithACandidateThatHasTimeouts_IsAnError()
    {
        var errors = Errors("""
            [functions.f]
            type = "chat"

            [functions.f.variants.a]
            type = "chat_completion"
            model = "dummy::good"
            timeouts = { non_streaming.total_ms = 100 }

            [functions.f.variants.fused]
            type = "experimental_mixture_of_n"
            timeout_s = 2
            candidates = ["a"]
            [functions.f.variants.fused.fuser]
            model = "dummy::good"
            """);

        Assert.Equal(
            ["`functions.f.variants.fused.timeout_s`: can't be used when candidate `a` already has `timeouts` configured; remove `timeout_s` and configure timeouts on the candidate"],
            errors);
    }

    [Fact]
    public void Parse_EvaluatorWeight_LoadsWithAWarning()
    {
        var config = Parse(Candidates + """
            [functions.f.variants.best]
            type = "experimental_best_of_n_sampling"
            candidates = ["a", "b"]
            [functions.f.variants.best.evaluator]
            model = "dummy::best_of_n_0"
            weight = 1
            """);

        Assert.Contains("`functions.f.variants.best.evaluator.weight` has no effect here: only variants are weighed", config.Warnings);
    }

    [Fact]
    public void Parse_SchemaWithoutEvaluatorTemplate_IsAnErrorAtTheEvaluatorsTemplateKey()
    {
        var directory = Directory.CreateTempSubdirectory("tz-candidate-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "system_schema.json"), """{"type":"object"}""");
            File.WriteAllText(Path.Combine(directory, "system.minijinja"), "Hi {{ name }}");
            var errors = Assert.Throws<ConfigException>(() => Parse("""
                [functions.f]
                type = "chat"
                system_schema = "system_schema.json"

                [functions.f.variants.a]
                type = "chat_completion"
                model = "dummy::good"
                system_template = "system.minijinja"

                [functions.f.variants.best]
                type = "experimental_best_of_n_sampling"
                candidates = ["a"]
                [functions.f.variants.best.evaluator]
                model = "dummy::best_of_n_0"

                [functions.f.variants.fused]
                type = "experimental_mixture_of_n"
                candidates = ["a"]
                [functions.f.variants.fused.fuser]
                model = "dummy::good"
                system_template = "system.minijinja"
                """, directory)).Errors;

            Assert.Equal(["`functions.f.variants.best.evaluator.system_template`: is required, since the function has a `system` schema"], errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
