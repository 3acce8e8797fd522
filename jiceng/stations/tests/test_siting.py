import numpy as np
import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.stations import siting
from jiceng.stations.services import position_create
from jiceng.stations.tests.conftest import ALL_WEEK, offset


@pytest.mark.parametrize("seed", range(12))
def test_cp_sat_matches_brute_force_on_small_instances(seed):
    rng = np.random.default_rng(seed)
    n_cand, n_dem, k = int(rng.integers(3, 9)), int(rng.integers(5, 30)), int(rng.integers(1, 4))
    cand = rng.uniform(0, 10, (n_cand, 2))
    dem = rng.uniform(0, 10, (n_dem, 2))
    radius = rng.uniform(1.5, 4)
    d = np.linalg.norm(dem[:, None, :] - cand[None, :, :], axis=2)
    cover = [list(np.flatnonzero(row <= radius)) for row in d]
    weights = rng.integers(1, 50, n_dem)
    sol = siting.solve_mclp(cover, weights, k, time_limit=10)
    assert sol.optimal and sol.gap == 0
    assert len(sol.chosen) <= k
    assert sol.objective == siting.brute_force(cover, list(weights), k)
    # the chosen sites really cover what the objective says
    assert sol.objective == sum(w for c, w in zip(cover, weights, strict=True) if set(c) & set(sol.chosen))


def test_it_suggests_sites_covering_the_uncovered_building(placed, client_for):
    city = placed.city
    lat, lng = offset(0, -300)
    position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=lat, lng=lng,
                    address="五一路", hours=ALL_WEEK)
    from jiceng.stations.coverage import coverage_compute

    coverage_compute()
    sites = "\n".join(f"{a:.6f},{b:.6f}" for a, b in (offset(0, 500), offset(0, -900), offset(800, 0)))
    result = siting.suggest(user=city.users["community_worker"], unit=city.community, k=1, sites_text=sites)
    assert result["residents_newly_covered"] == 3 and result["optimal"]
    assert result["suggestions"][0]["lat"] == pytest.approx(offset(0, 500)[0])
    with pytest.raises(ValidationFailed) as err:
        siting.suggest(user=city.users["community_worker"], unit=city.community, k=4, sites_text=sites)
    assert err.value.code == "k_too_large"
    page = client_for("community_worker").get("/stations/siting/", {"unit": city.community.code, "k": 4,
                                                                    "sites": sites}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 422
    ok = client_for("community_worker").get("/stations/siting/", {"unit": city.community.code, "k": 1,
                                                                  "sites": sites})
    assert ok.status_code == 200 and b"suggestions" in ok.content


def test_the_siting_page_lists_the_communities_with_the_lowest_coverage(placed, client_for):
    from jiceng.stations.coverage import coverage_compute

    city = placed.city
    lat, lng = offset(0, -300)
    position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=lat, lng=lng,
                    address="五一路", hours=ALL_WEEK)
    coverage_compute()
    page = client_for("street_official").get("/stations/siting/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "覆盖率最低的社区" in page and "五一路社区" in page and "40 %" in page
    assert "五一路社区" not in client_for("outsider").get("/stations/siting/").content.decode()


@pytest.mark.parametrize("seed", range(6))
def test_the_lagrangian_bound_and_reduced_problem_never_cut_off_the_optimum(seed):
    """The bound the gap is reported against is never below the brute-force optimum, and the swap heuristic's
    value is a real covered weight."""
    rng = np.random.default_rng(100 + seed)
    n_cand, n_dem, k = 11, 300, 3
    cand = rng.uniform(0, 10, (n_cand, 2))
    dem = rng.uniform(0, 10, (n_dem, 2))
    d = np.linalg.norm(dem[:, None, :] - cand[None, :, :], axis=2)
    cover = [list(np.flatnonzero(row <= 3.0)) for row in d]
    weights = rng.integers(1, 50, n_dem)
    best = siting.brute_force(cover, list(weights), k)
    inst = siting._Instance(cover, weights)
    import time

    sites, value = inst.swaps(inst.fill([], k), time.perf_counter() + 5)
    assert value <= best and value == sum(w for c, w in zip(cover, weights, strict=True)
                                          if set(c) & {int(inst.cand[j]) for j in sites})
    bound, _lam = inst.lagrangian(k, value, time.perf_counter() + 5)
    assert bound >= best - 1e-6
    sol = siting.solve_mclp(cover, weights, k, time_limit=10)
    assert sol.objective == best and sol.bound >= best and sol.optimal


def test_a_time_limited_solve_reports_a_proven_gap_not_zero():
    """On an instance too large to close in a fraction of a second the gap is the bound's, not assumed."""
    rng = np.random.default_rng(7)
    cand = rng.uniform(0, 4000, (300, 2))
    dem = rng.uniform(0, 4000, (2000, 2))
    from scipy.spatial import cKDTree

    cover = cKDTree(cand).query_ball_point(dem, r=700)
    weights = rng.integers(5, 400, len(dem))
    sol = siting.solve_mclp(cover, weights, 5, time_limit=0.5)
    covered = sum(w for c, w in zip(cover, weights, strict=True) if set(c) & set(sol.chosen))
    assert sol.objective == covered and len(sol.chosen) <= 5
    assert sol.bound >= sol.objective and sol.gap == pytest.approx((sol.bound - sol.objective) / sol.bound)
    assert sol.gap > 0 or sol.optimal
