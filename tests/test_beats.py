"""Beat windows of 1.2 RR: the split around R, the edges, premature beats; heart rate."""

from __future__ import annotations

import numpy as np

from ecgcrt_gui.core.signal.beats import Beats, heart_rate_bpm, segment

FS = 360.0


def test_steady_rhythm_gives_a_1_2_rr_window_a_third_before_r():
    r = np.arange(10) * 300 + 400  # RR = 300 samples
    b = segment(r, 4000, FS)
    assert isinstance(b, Beats) and len(b) == 10
    np.testing.assert_array_equal(b.r - b.start, np.full(10, 120))  # 0.4 RR before R
    np.testing.assert_array_equal(b.end - b.r, np.full(10, 240))  # 0.8 RR after R
    assert b.complete.all()


def test_pre_follows_the_previous_rr_and_post_the_next():
    r = np.array([1000, 1300, 1600, 1950, 2300, 2650, 3000])  # 300 then 350 samples
    b = segment(r, 5000, FS)
    assert b.r[3] - b.start[3] == round(0.4 * 350)
    assert b.end[2] - b.r[2] == round(0.8 * 350)
    assert b.r[2] - b.start[2] == round(0.4 * 300)


def test_first_and_last_beats_use_their_neighbouring_rr_and_are_clipped():
    r = np.array([50, 350, 650, 950])
    b = segment(r, 1100, FS)
    assert b.start[0] == 0 and not b.complete[0]  # window would start at 50 - 120 < 0
    assert b.end[-1] == 1100 and not b.complete[-1]  # window would end at 950 + 240 > 1100
    assert b.complete[1] and b.complete[2]
    assert b.r[1] - b.start[1] == 120 and b.end[2] - b.r[2] == 240


def test_premature_beat_window_is_not_tiny():
    rr = np.full(12, 300)
    rr[6] = 120  # a premature beat 120 samples after its predecessor ...
    rr[7] = 480  # ... followed by a compensatory pause
    r = 500 + np.concatenate([[0], np.cumsum(rr)])
    b = segment(r, int(r[-1] + 1000), FS)
    premature = 7
    assert b.r[premature] - b.start[premature] == round(0.4 * 0.7 * 300)  # clamped to 0.7 x median
    assert b.end[premature] - b.r[premature] == round(0.8 * 1.3 * 300)  # pause clamped to 1.3 x
    assert b.end[premature - 1] - b.r[premature - 1] == round(0.8 * 0.7 * 300)


def test_degenerate_inputs():
    empty = segment(np.array([], dtype=np.int64), 1000, FS)
    assert len(empty) == 0 and empty.start.dtype == np.int64
    single = segment(np.array([500]), 2000, FS)
    assert single.r[0] - single.start[0] == round(0.4 * FS)  # nominal RR of 1 s
    unsorted = segment(np.array([900, 300, 600]), 2000, FS)
    np.testing.assert_array_equal(unsorted.r, [300, 600, 900])


def test_heart_rate():
    assert heart_rate_bpm(np.array([0, 360, 720, 1080]), FS) == 60.0
    assert abs(heart_rate_bpm(np.array([0, 300, 600, 1200]), FS) - 72.0) < 1e-9  # median RR
    assert heart_rate_bpm(np.array([5]), FS) is None
    assert heart_rate_bpm(np.array([], dtype=np.int64), FS) is None
