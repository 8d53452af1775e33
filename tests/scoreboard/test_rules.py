from decimal import Decimal

from scoreboard.rules import BY_ID


def test_linear_and_threshold_scoring():
    assert BY_ID["2.1"].score(9, 10) == Decimal("18.00")
    assert BY_ID["3.3"].score(1, 4) == Decimal("3.00")  # 6 · 0.25 / 0.5
    assert BY_ID["3.3"].score(3, 4) == Decimal("6.00")
    assert BY_ID["5.2"].score(0, 0, empty_rate=1) == Decimal("6.00")
    assert BY_ID["1.4"].score(0, 0) is None
    assert BY_ID["1.1"].score(1, 1) is None


def test_online_dossiers_are_scored_times_the_sync_ratio():
    # 3.3: 3 of 4 online (75%) but only half synced → rate 37.5%, under the 50% threshold → 6 · 0.375 / 0.5
    assert BY_ID["3.3"].score(3, 4, factor=Decimal("0.5")) == Decimal("4.50")
    assert BY_ID["3.3"].score(3, 4, factor=Decimal("1")) == Decimal("6.00")
