using System.Text.Json.Nodes;

namespace TensorZero.Templates.Tests;

/// <summary>Prompt templates shaped like those in TensorZero's examples, each with its exact output.</summary>
public sealed class PromptTemplateTests
{
    private static string Render(string source, string arguments, UndefinedBehavior behavior = UndefinedBehavior.Lenient) =>
        Template.Parse(source, "prompt", behavior).Render(JsonNode.Parse(arguments)!.AsObject());

    [Fact]
    public void Render_SystemTemplateWithAssistantName_FillsNameAndDropsFinalNewline()
    {
        const string Source = "You are a helpful assistant named {{ assistant_name }}.\n";

        Assert.Equal("You are a helpful assistant named Aria.", Render(Source, """{"assistant_name": "Aria"}""", UndefinedBehavior.Strict));
    }

    [Fact]
    public void Render_UserTemplateOverDocuments_NumbersEachDocumentWithLoopIndex()
    {
        const string Source = """
            Use the documents below to answer.
            {% for doc in documents %}
            Document {{ loop.index }} of {{ loop.length }}: {{ doc.title }}
            {{ doc.body }}
            {% endfor %}
            Question: {{ question }}

            """;
        const string Arguments = """
            {"question": "Who wrote the first program?",
             "documents": [{"title": "Ada Lovelace", "body": "Wrote notes on the Analytical Engine."},
                           {"title": "Charles Babbage", "body": "Designed the Analytical Engine."}]}
            """;

        Assert.Equal(
            "Use the documents below to answer.\n"
            + "\nDocument 1 of 2: Ada Lovelace\nWrote notes on the Analytical Engine.\n"
            + "\nDocument 2 of 2: Charles Babbage\nDesigned the Analytical Engine.\n"
            + "\nQuestion: Who wrote the first program?",
            Render(Source, Arguments));
    }

    [Theory]
    [InlineData("enterprise", "Respond formally and offer a call with the account team.\nCustomer: Lin")]
    [InlineData("pro", "Respond concisely and link the pro documentation.\nCustomer: Lin")]
    [InlineData("free", "Respond briefly and suggest the community forum.\nCustomer: Lin")]
    public void Render_IfElifElseOnCustomerTier_PicksOneInstruction(string tier, string expected)
    {
        const string Source = """
            {%- if customer.tier == "enterprise" -%}
            Respond formally and offer a call with the account team.
            {%- elif customer.tier == "pro" -%}
            Respond concisely and link the pro documentation.
            {%- else -%}
            Respond briefly and suggest the community forum.
            {%- endif %}
            Customer: {{ customer.name }}
            """;

        Assert.Equal(expected, Render(Source, $$$"""{"customer": {"name": "Lin", "tier": "{{{tier}}}"}}"""));
    }

    [Fact]
    public void Render_ToJsonOfExampleObject_WritesCompactJsonWithSortedKeys()
    {
        const string Source = """
            Extract the entities from the text. Answer with JSON shaped like this example:
            {{ example | tojson }}
            Text: {{ text }}
            """;
        const string Arguments = """
            {"text": "Ada met Babbage in London in 1833.",
             "example": {"year": 1843, "people": ["Ada Lovelace"], "place": "London", "confidence": 0.9}}
            """;

        Assert.Equal(
            "Extract the entities from the text. Answer with JSON shaped like this example:\n"
            + """{"confidence":0.9,"people":["Ada Lovelace"],"place":"London","year":1843}""" + "\n"
            + "Text: Ada met Babbage in London in 1833.",
            Render(Source, Arguments));
    }

    [Theory]
    [InlineData("""{"recipients": ["Ana", "Ben", "Chloé"], "cc": []}""", "Write a short note to Ana, Ben, Chloé from the team.")]
    [InlineData("""{"recipients": ["Ana"], "sender": "Dee", "cc": ["Eli", "Fay"]}""", "Write a short note to Ana from Dee. CC: Eli, Fay.")]
    public void Render_JoinWithDefaultSender_ListsNamesAndFallsBack(string arguments, string expected)
    {
        const string Source = """
            Write a short note to {{ recipients | join(", ") }} from {{ sender | default("the team") }}.
            {%- if cc %} CC: {{ cc | join(", ") }}.{% endif %}
            """;

        Assert.Equal(expected, Render(Source, arguments));
    }

    [Theory]
    [InlineData("""{"instructions": "Summarize the article.", "max_index": 2}""", "You are judging answers to this task:\n---\nSummarize the article.\n---\nReply with JSON: {\"best\": <index from 0 to 2>}")]
    [InlineData("""{"max_index": 4}""", "You are judging answers to a task.\nReply with JSON: {\"best\": <index from 0 to 4>}")]
    public void Render_JudgeSystemTemplate_BranchesOnDefinedInstructions(string arguments, string expected)
    {
        const string Source = """
            {%- if instructions is defined -%}
            You are judging answers to this task:
            ---
            {{ instructions }}
            ---
            {%- else -%}
            You are judging answers to a task.
            {%- endif %}
            Reply with JSON: {"best": <index from 0 to {{ max_index }}>}
            """;

        Assert.Equal(expected, Render(Source, arguments, UndefinedBehavior.Strict));
    }

    [Fact]
    public void Render_CandidateList_NumbersFromZeroWithSeparators()
    {
        const string Source = """
            Here are the candidate answers:{% for candidate in candidates %}
            {{ loop.index0 }}: {{ candidate }}
            ------
            {%- endfor %}
            Pick the best one.
            """;

        Assert.Equal(
            "Here are the candidate answers:\n0: Paris\n------\n1: Lyon\n------\nPick the best one.",
            Render(Source, """{"candidates": ["Paris", "Lyon"]}"""));
    }

    [Fact]
    public void Render_MetadataTable_ListsSortedPairsAndFormatsValues()
    {
        const string Source = """
            Product facts:
            {% for key, value in product | dictsort -%}
            - {{ key | replace("_", " ") | capitalize }}: {% if value is sequence %}{{ value | join(", ") }}{% else %}{{ value }}{% endif %}
            {% endfor -%}
            Write a {{ tone | default("neutral") | lower }} description in at most {{ max_words * 2 }} words.
            """;
        const string Arguments = """
            {"product": {"price_usd": 19.5, "name": "Desk lamp", "colors": ["black", "white"], "in_stock": true},
             "tone": "PLAYFUL", "max_words": 40}
            """;

        Assert.Equal(
            "Product facts:\n"
            + "- Colors: black, white\n"
            + "- In stock: true\n"
            + "- Name: Desk lamp\n"
            + "- Price usd: 19.5\n"
            + "Write a playful description in at most 80 words.",
            Render(Source, Arguments));
    }

    [Fact]
    public void Render_FewShotExamples_UsesSetAndConditionalSeparators()
    {
        const string Source = """
            {% set shown = examples[:max_examples] -%}
            Classify the sentiment of the last review as {{ labels | map("upper") | join(" or ") }}.
            {% for ex in shown %}
            Review: {{ ex.text | trim }}
            Label: {{ ex.label | upper }}
            {% endfor %}
            Review: {{ review }}
            Label:
            """;
        const string Arguments = """
            {"labels": ["positive", "negative"], "max_examples": 2, "review": "Too loud.",
             "examples": [{"text": " Great value. ", "label": "positive"}, {"text": "Broke in a week.", "label": "negative"},
                          {"text": "Unused", "label": "positive"}]}
            """;

        Assert.Equal(
            "Classify the sentiment of the last review as POSITIVE or NEGATIVE.\n"
            + "\nReview: Great value.\nLabel: POSITIVE\n"
            + "\nReview: Broke in a week.\nLabel: NEGATIVE\n"
            + "\nReview: Too loud.\nLabel:",
            Render(Source, Arguments));
    }
}
