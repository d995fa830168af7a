from agent.llm.stops import StopMatcher


def feed_all(m, pieces):
    out = "".join(m.feed(p) for p in pieces)
    return out + m.flush()


def test_stop_inside_one_piece_cuts_there():
    m = StopMatcher(["\n\n"])
    assert feed_all(m, ["Hello.\n\nMore"]) == "Hello."
    assert m.stopped


def test_stop_spanning_pieces_is_never_shown_in_part():
    m = StopMatcher(["<END>"])
    shown = [m.feed(p) for p in ["Price is 2", " EUR<", "EN", "D> trailing"]]
    assert "".join(shown) == "Price is 2 EUR"
    assert shown[1] == " EUR"  # '<' held back: it might start the stop string
    assert m.stopped


def test_held_back_prefix_is_released_when_it_is_not_a_stop():
    m = StopMatcher(["<END>"])
    assert m.feed("a <E") == "a "
    assert m.feed("X") == "<EX"
    assert feed_all(m, [" done"]) == " done"
    assert not m.stopped


def test_earliest_of_several_stops_wins():
    m = StopMatcher(["User:", "\n\n"])
    assert feed_all(m, ["one\n", "\nUser: x"]) == "one"


def test_flush_returns_pending_text_at_the_end():
    m = StopMatcher(["###"])
    assert m.feed("ends with #") == "ends with "
    assert m.flush() == "#"


def test_no_stops_passes_through():
    m = StopMatcher([])
    assert feed_all(m, ["a", "b"]) == "ab"
