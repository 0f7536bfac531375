"""AppTest: each failure tab shows, at its first visit, the stored 20-seed tables: which learners fall for
the failure (fix off and on, against random sampling, the tab's own learner in bold) and where its fix
helps or costs on every scenario, with sentences built from the stored numbers."""

from __future__ import annotations

import pytest

from apptest_pages import open_page

from alcore.failures import FAILURES
from ui import jobs, verdicts
from ui.labs import failures as spec


def stored(pairs: dict) -> dict:
    return {name: {condition: jobs.request(key, start=False)[0] for condition, key in pair.items()}
            for name, pair in pairs.items()}


@pytest.mark.parametrize("tab", list(FAILURES))
def test_every_tab_shows_its_tables_at_first_visit(tab):
    at = open_page("failures", tab=tab)
    assert not at.exception and not at.error
    mode = FAILURES[tab]
    headers = [h.value for h in at.subheader]
    assert "Which learners fall for it" in headers
    assert f"Where {mode.fix.name} helps, and where it costs" in headers
    assert not any("not stored yet" in caption.value for caption in at.caption)
    rows = spec.strategy_rows(tab, stored(spec.strategy_keys(tab)))
    infos = [info.value for info in at.info]
    assert verdicts.strategies_sentence(mode.symptom, mode.metric, mode.fix_text, rows) in infos
    table = next(m.value for m in at.markdown if m.value.startswith("| Learner |"))
    assert len(table.splitlines()) == 2 + len(spec.TABLE_LEARNERS)
    own = [line for line in table.splitlines() if "(this tab)**" in line]
    assert len(own) == 1 and own[0].startswith("| **")
    assert all(verdicts.metric_value(mode.metric, row.off) in table for row in rows)  # the stored numbers
    elsewhere = spec.elsewhere_rows(stored(spec.elsewhere_keys(tab)))
    outcomes = [(FAILURES[row.scenario].label.lower() + (" (its own)" if row.scenario == tab else ""),
                 verdicts.fix_outcome(row.effect, row.cost)) for row in elsewhere]
    assert verdicts.elsewhere_sentence(mode.fix_text, outcomes) in infos
    where = next(m.value for m in at.markdown if m.value.startswith("| Scenario |"))
    assert len(where.splitlines()) == 2 + len(FAILURES)


def test_the_tables_do_not_follow_the_knob():
    at = open_page("failures", tab="sampling_bias", eps=0.4, seeds=3)
    assert any("the tab's default, whatever the slider says" in c.value for c in at.caption)
    assert any(m.value.startswith("| Learner |") for m in at.markdown)
