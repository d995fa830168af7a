import pytest

from agent.llm.chat_template import make_template
from agent.llm.prompt import build_prompt
from agent.llm.tokenizer import load_tokenizer


@pytest.fixture(scope="module")
def tpl(sp_model):
    return make_template("llama", load_tokenizer(sp_model))


def text(tpl, ids):
    return tpl.tok.decode(ids)


def test_short_prompt_untouched(tpl):
    msgs = [{"role": "system", "content": "Water costs 1.20."}, {"role": "user", "content": "What does water cost?"}]
    p = build_prompt(tpl, msgs, 200)
    assert not p.truncated
    assert p.ids == [i for c in tpl.render(msgs) for i in c.ids]


def test_long_question_keeps_system_and_end_of_question(tpl):
    system = "Water costs 1.20."
    question = "blah " * 400 + "What does water cost?"
    p = build_prompt(tpl, [{"role": "system", "content": system}, {"role": "user", "content": question}], 60)
    assert p.truncated and len(p.ids) <= 60
    t = text(tpl, p.ids)
    assert "Water costs 1.20." in t and t.rstrip().endswith("What does water cost? [/INST]")


def test_old_turns_are_dropped_first(tpl):
    msgs = [{"role": "system", "content": "Facts."}]
    for i in range(30):
        msgs += [{"role": "user", "content": f"question {i} about the shop"}, {"role": "assistant", "content": f"answer {i}"}]
    msgs.append({"role": "user", "content": "final question"})
    p = build_prompt(tpl, msgs, 80)
    t = text(tpl, p.ids)
    assert len(p.ids) <= 80 and p.dropped_messages > 0
    assert "Facts." in t and "final question" in t and "question 0 " not in t


def test_huge_system_prompt_is_cut_but_question_survives(tpl):
    msgs = [{"role": "system", "content": "fact " * 2000}, {"role": "user", "content": "Is it open?"}]
    p = build_prompt(tpl, msgs, 40)
    assert len(p.ids) <= 40
    assert text(tpl, p.ids).rstrip().endswith("[/INST]")


@pytest.mark.parametrize("budget", [0, 1, 8, 9, 17])
def test_tiny_budgets_never_crash(tpl, budget):
    p = build_prompt(tpl, [{"role": "system", "content": "s " * 50}, {"role": "user", "content": "q " * 50}], budget)
    assert 0 < len(p.ids) <= max(8, budget)


@pytest.mark.parametrize("bad", [[], [{"role": "robot", "content": "x"}], [{"role": "user"}], "hello", [{"role": "user", "content": 3}]])
def test_malformed_messages_raise_value_error(tpl, bad):
    with pytest.raises(ValueError, match="messages"):
        build_prompt(tpl, bad, 100)
