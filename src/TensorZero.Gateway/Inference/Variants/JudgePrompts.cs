using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Templates;

namespace TensorZero.Gateway.Inference.Variants;

/// <summary>
/// The prompts TensorZero wraps around a best-of-N evaluator and a mixture-of-N fuser, word for word: a system prompt
/// that quotes the table's own system prompt (when it has one) and says what to do, and a last user message listing
/// the candidates' answers by index. Compiled once; immutable.
/// </summary>
internal sealed class JudgePrompts
{
    public static readonly JudgePrompts BestOfN = new(
        "t0:best_of_n_evaluator_system",
        "{%- if inner_system_message is defined -%}You are an assistant tasked with re-ranking candidate answers to the following problem:\n" +
        "------\n{{ inner_system_message }}\n------\n{%- else -%}\nYou are an assistant tasked with re-ranking candidate answers to a problem.\n\n" +
        "{%- endif %}\nThe messages below are the conversation history between the user and the assistant along with a final message giving a set of candidate responses.\n" +
        "Please evaluate the following candidate responses and provide your reasoning along with the index of the best candidate in the following JSON format:\n" +
        "{\n    \"thinking\": \"your reasoning here\",\n    \"answer_choice\": int  // Range: 0 to {{ max_index }}\n}\n" +
        "In the \"thinking\" block:\n" +
        "First, you should analyze each response itself against the conversation history and determine if it is a good response or not.\n" +
        "Then you should think out loud about which is best and most faithful to instructions.\n" +
        "In the \"answer_choice\" block: you should output the index of the best response.",
        "t0:best_of_n_evaluator_candidates",
        "Here are the candidate answers (with the index and a row of ------ separating):{% for candidate in candidates %}\n" +
        "{{ loop.index0 }}: {{ candidate }}\n------\n{%- endfor %}\n" +
        "Please evaluate these candidates and provide the index of the best one.");

    // Lightly edited by TensorZero from Table 6 of the Archon paper (arXiv:2409.15254).
    public static readonly JudgePrompts MixtureOfN = new(
        "t0:mixture_of_n_fuser_system",
        "{%- if inner_system_message is defined -%}You have been provided with a set of responses from various models to the following problem:\n" +
        "------\n{{ inner_system_message }}\n------\n{%- else -%}\nYou have been provided with a set of responses from various models to the latest user\nquery.\n\n" +
        "{%- endif %}\nYour task is to synthesize these responses into a single, high-quality response. It is crucial to critically evaluate the " +
        "information provided in these responses, recognizing that some of it may be biased or incorrect. Your response should not simply " +
        "replicate the given answers but should offer a refined, accurate, and comprehensive reply to the instruction and take the best from " +
        "all the responses. Ensure your response is well-structured, coherent, and adheres to the highest standards of accuracy and reliability.  " +
        "Below will be: first, any messages leading up to this point, and then, a final message containing the set of candidate responses.",
        "t0:mixture_of_n_fuser_candidates",
        "Here are the candidate answers (with the index and a row of ------ separating):{% for candidate in candidates %}\n" +
        "{{ loop.index0 }}:\n{{ candidate }}\n------\n{%- endfor %}");

    private readonly Template _system;
    private readonly Template _candidates;

    private JudgePrompts(string systemName, string system, string candidatesName, string candidates)
    {
        _system = Template.Parse(system, systemName, UndefinedBehavior.Strict);
        _candidates = Template.Parse(candidates, candidatesName, UndefinedBehavior.Strict);
    }

    /// <summary>The system prompt; <paramref name="innerSystem"/> is the evaluator's or fuser's own, rendered with its templates.</summary>
    public string System(string? innerSystem, int maxIndex)
    {
        var context = new JsonObject { ["max_index"] = maxIndex };
        if (innerSystem is not null)
        {
            context["inner_system_message"] = innerSystem;
        }
        return Render(_system, context);
    }

    /// <summary>The last user message: each candidate's answer as text, by index.</summary>
    public string Candidates(IEnumerable<string> answers) =>
        Render(_candidates, new JsonObject { ["candidates"] = new JsonArray(answers.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()) });

    private static string Render(Template template, JsonObject context)
    {
        try
        {
            return template.Render(context);
        }
        catch (TemplateException e)
        {
            throw new GatewayError(ErrorKind.Internal, $"Could not render template `{template.Name}`: {e.Message}");
        }
    }
}
