from backoffice.customers.statuses import FUNNEL, STAGE_OF, Stage, Status, statuses_in

SLUGS = [
    "new", "invalid", "valid", "call_not_attended", "admission", "not_interested",
    "call_later", "waiting_for_decision", "waiting_for_documents", "waiting_for_fees",
    "waiting_for_confirmation", "waiting_for_joining", "joined", "dropped",
]


def test_status_slugs_are_the_agreed_ones():
    assert sorted(Status.values) == sorted(SLUGS)


def test_every_status_belongs_to_exactly_one_stage():
    assert set(STAGE_OF) == set(Status)


def test_lost_is_terminal_and_outside_the_funnel():
    assert Stage.LOST not in FUNNEL
    assert sorted(statuses_in(Stage.LOST)) == ["dropped", "invalid", "not_interested"]


def test_waiting_statuses_are_engaged():
    waiting = [s for s in Status.values if s.startswith("waiting_for_")]
    assert all(STAGE_OF[Status(s)] == Stage.ENGAGED for s in waiting)
