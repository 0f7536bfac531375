"""The Arena's learners watch the stopping rules: where a rule fires, their live curves carry its mark,
and the caption says what the marks are."""

from __future__ import annotations

from apptest_pages import open_page, race


def test_the_arena_marks_where_each_stopping_rule_fires():
    at = open_page("arena", pool=300, seeds=3, budget=20, init=4)
    the_race = race(at)
    assert set(the_race.watches) == set(the_race.loops) and not the_race.stops()["A: Margin"]
    for _ in range(2):
        at.button(key="arena.run.run10").click().run()
        assert not at.exception
    stops = race(at).stops()
    assert all(stops[name]["budget"].n_labels == 20 for name in race(at).loops)  # the race's budget is the rule's
    chart = at.get("plotly_chart")[0].proto.spec
    assert '"budget reached"' in chart
    assert any(c.value.startswith("Test accuracy after each label in this race") and "Marks: where a stopping rule"
               in c.value for c in at.caption)
    watch = race(at).watches["A: Margin"]
    assert watch.rounds == len(race(at).loops["A: Margin"].history)  # every round watched, Run 10 included
