"""Planner-facing phrases, in one voice.

Written here once: product names, unit nouns, week spans, unit labels, the reasons an
option cannot exist or a line stays unmet (and why some rules never are), the phrases
naming pins, and the messages of how a solve ended. The validator, the input problems,
the unmet-demand explanations and the command line still compose their longer
sentences (with ids, weeks and values) from these pieces in their own modules. Every
phrase is marked for the message catalogue (:mod:`planner.i18n`): tables hold the
English text marked with ``N_`` and the functions give it in the current language
(Simplified Chinese unless another is chosen).

Longer than most modules (about 470 lines), on purpose for now: most of it is the
marked tables, and one voice is easiest to review in one file. The texts of how a solve
ended (from ``# -- how a solve ended``) are the part to move out first when it grows.

Conventions: ids are quoted (``'T01'``), a unit is named with its kind and name
(``troupe 'T01' (政通沪剧团)``), and week runs use an en dash (``weeks 1–3, 5``).

This module imports only the scenario model and the catalogue, so that the validator may
use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.i18n import N_, _
from planner.scenario import Product, ResourceUnit, Scenario

#: Names of the products as committees read them on their calendars.
PRODUCT_NAMES: dict[Product, str] = {
    Product.BOOK_SET: N_("books"),
    Product.EXHIBITION: N_("exhibition"),
    Product.PERFORMANCE: N_("performance"),
    Product.LECTURE: N_("lecture"),
    Product.FITNESS_COURSE: N_("fitness course"),
}

#: How planners call the unit of each product.
UNIT_NOUNS: dict[Product, str] = {
    Product.BOOK_SET: N_("book set"),
    Product.EXHIBITION: N_("board set"),
    Product.PERFORMANCE: N_("troupe"),
    Product.LECTURE: N_("lecturer"),
    Product.FITNESS_COURSE: N_("trainer"),
}

#: That a unit is used more often in a week than its capacity allows, by product (whole
#: sentences, so that a translation need not join a verb and a noun).
WEEKLY_USES: dict[Product, str] = {
    Product.BOOK_SET: N_("{unit} has {count} sets out in week {week}, capacity {capacity}"),
    Product.EXHIBITION: N_("{unit} has {count} sets out in week {week}, capacity {capacity}"),
    Product.PERFORMANCE: N_("{unit} gives {count} shows in week {week}, capacity {capacity}"),
    Product.LECTURE: N_("{unit} gives {count} sessions in week {week}, capacity {capacity}"),
    Product.FITNESS_COURSE: N_(
        "{unit} has {count} courses running in week {week}, capacity {capacity}"
    ),
}

#: Reasons an option is impossible, with the text shown to planners. The order is the
#: order of the static checks (see :func:`planner.options.line_blocker`).
BLOCKERS: dict[str, str] = {
    "no_resource": N_("no resource delivers this product"),
    "theme": N_("no resource offers the wished themes"),
    "service_area": N_("the resources that fit serve another subdistrict"),
    "venue_stage": N_("the venue has no stage and the troupes that fit need one"),
    "venue_audience": N_("the venue is too small for the troupes that fit"),
    "venue_fitness_floor": N_("the venue has no fitness floor"),
    "venue_shelf": N_("the venue has no shelf slot for a book set"),
    "venue_boards": N_("the venue has no room for exhibition boards"),
    "no_events": N_("the committee takes no events (max_events_per_week is 0)"),
    "weeks": N_(
        "no run of open weeks fits: closed, excluded or unavailable weeks, "
        "or too few weeks left in the season"
    ),
}

#: Why a demand line stays unmet, by reason key: the name of the hard rule of
#: ``docs/rules.md`` that stands in the way, or ``no_resource`` (nothing delivers the
#: product) or ``traded_off`` (nothing stands in the way). In the order of the rules
#: page; the unmet table's explanation adds the ids and weeks concerned.
UNMET_REASONS: dict[str, str] = {
    "no_resource": BLOCKERS["no_resource"],
    "service_area": BLOCKERS["service_area"],
    "within_season": N_("too few weeks are left in the season for a whole stay or course"),
    "theme_fit": BLOCKERS["theme"],
    "resource_capacity": N_(
        "the fitting resources are fully booked in the weeks the line could use"
    ),
    "copy_overlap": N_(
        "pinned copies leave no copy of the fitting set kinds free for a whole "
        "stay in the weeks the line could use"
    ),
    "resource_unavailable": N_(
        "the fitting resources are unavailable in the weeks the line could use"
    ),
    "closed_week": N_("the committee is closed in the weeks the line could use"),
    "excluded_week": N_("the line excludes the weeks the fitting resources could come in"),
    "venue": N_(
        "the venue lacks what the fitting resources need, or its shelf or board slots "
        "are taken in the open weeks"
    ),
    "events_per_week": N_(
        "the committee's weekly event limit is reached in the open weeks (or it takes no events)"
    ),
    "van_moves": N_("the van's moves are used up in the weeks a board set could be installed"),
    "no_repeat_set": N_("the committee already received every fitting set kind this season"),
    "duplicate_delivery": N_(
        "the fitting resources already come to the committee in the weeks the line could use"
    ),
    "traded_off": N_(
        "a delivery would still fit every hard rule; the plan does not use it (a "
        "proven optimal plan trades it off for its other goals; a plan stopped at the time "
        "limit may not have reached it)"
    ),
}

#: The hard rules that can never be why a demand line stays unmet, with why not.
NOT_A_REASON: dict[str, str] = {
    "known_reference": N_(
        "the unmet table lists the scenario's own lines, and their options "
        "name only known resources of the line's product"
    ),
    "duration": N_("an option always takes its unit's whole stay, show or course"),
    "demand_limit": N_(
        "an unmet line has fewer deliveries than its count, so its own limit is never in the way"
    ),
    "rotation_cycle": N_(
        "it never removes every start: a stay or course that fits from "
        "some week lies in a cycle whose first week that fits stays a start"
    ),
    "pinned": N_(
        "pins are kept before anything else is planned; what they take up shows "
        "as the rule it fills (capacity, slots, events, van)"
    ),
}


def product_name(product: Product) -> str:
    """Return a product's name as committees read it on their calendars: ``文化讲座``."""
    return _(PRODUCT_NAMES[product])


def unit_noun(product: Product) -> str:
    """Return what planners call a unit of ``product``: ``剧团`` (a troupe)."""
    return _(UNIT_NOUNS[product])


def blocker_text(key: str) -> str:
    """Return why an option is impossible, by its :data:`BLOCKERS` key."""
    return _(BLOCKERS[key])


def unmet_reason_text(key: str) -> str:
    """Return why a demand line stays unmet, by its :data:`UNMET_REASONS` key."""
    return _(UNMET_REASONS[key])


def not_a_reason_text(key: str) -> str:
    """Return why a hard rule is never why a line stays unmet, by its key."""
    return _(NOT_A_REASON[key])


def weeks_text(weeks: Iterable[int]) -> str:
    """Return weeks compactly: ``[1, 2, 3, 5]`` → ``"1–3, 5"`` (``"1–3、5"`` in Chinese)."""
    ordered = sorted(set(weeks))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    # TRANSLATORS: the separator between runs of weeks, as in "1–3, 5".
    return _(", ").join(parts)


def weeks_phrase(weeks: Iterable[int]) -> str:
    """Return ``"week 3"`` for one week, ``"weeks 1–3, 5"`` for several (``第3周``)."""
    ordered = sorted(set(weeks))
    if len(ordered) == 1:
        return _("week {week}").format(week=ordered[0])
    return _("weeks {weeks}").format(weeks=weeks_text(ordered))


def week_span(first: int, last: int) -> str:
    """Return the weeks of one delivery: ``"week 3"`` or ``"weeks 3–6"``.

    Written as given even when ``last`` comes before ``first`` (a broken delivery
    is named as it is).
    """
    if first == last:
        return _("week {week}").format(week=first)
    return _("weeks {weeks}").format(weeks=f"{first}–{last}")


def unit_label(unit: ResourceUnit) -> str:
    """Return a unit as planners name it: ``troupe 'T01' (政通沪剧团)``."""
    return _("{noun} {id!r} ({name})").format(
        noun=unit_noun(unit.product), id=unit.id, name=unit.name
    )


def weekly_use_text(unit: ResourceUnit, count: int, week: int) -> str:
    """Return that a unit is used ``count`` times in a week, beyond its capacity.

    ``troupe 'T1' (越剧团) gives 2 shows in week 1, capacity 1``.
    """
    return _(WEEKLY_USES[unit.product]).format(
        unit=unit_label(unit), count=count, week=week, capacity=unit.capacity
    )


def pin_text(scenario: Scenario, k: int) -> str:
    """Return pin ``k`` of the scenario as planners read it.

    ``lecture 'L1' at 'C1' from week 3``.
    """
    p = scenario.pins[k]
    return _("{product} {resource!r} at {committee!r} from week {week}").format(
        product=product_name(p.product),
        resource=p.resource,
        committee=p.committee,
        week=p.first_week,
    )


def pin_unmet_text(scenario: Scenario, k: int) -> str:
    """Return that no delivery meets pin ``k``, naming its demand line if it has one."""
    pin = scenario.pins[k]
    if pin.demand is None:
        return _("pins[{k}] ({pin}) has no matching delivery").format(
            k=k, pin=pin_text(scenario, k)
        )
    return _("pins[{k}] ({pin}, demand line {line!r}) has no matching delivery").format(
        k=k, pin=pin_text(scenario, k), line=pin.demand
    )


# -- how a solve ended (planner.solver) --------------------------------------------------

#: Heads of the messages of an infeasible solve (translate with ``_`` where shown).
PINS_WITHOUT_OPTION = N_("the pinned deliveries cannot be kept:")
PINS_IN_CONFLICT = N_(
    "the pinned deliveries cannot all be kept together (they would break a hard rule: "
    "capacity, venue, weekly events, van moves, demand count or a repeated set):"
)


def pin_without_line_text(committee_id: str, product: Product) -> str:
    """Return that a pin's committee asked for nothing of the pinned product."""
    return _("committee {committee!r} has no demand line for {product}").format(
        committee=committee_id, product=product_name(product)
    )


def pin_weeks_text(
    closed: Iterable[int],
    unavailable: Iterable[int],
    unit_id: str,
    excluded: Iterable[int],
    line_id: str,
    past_season: bool,
    off_cycle: bool = False,
) -> str:
    """Return why a pinned delivery's weeks are not open: the weeks each rule closes,
    or that it starts off its rotation cycle (``season.rotation_cycle``)."""
    parts = []
    if closed := sorted(closed):
        parts.append(_("committee closed in {weeks}").format(weeks=weeks_phrase(closed)))
    if unavailable := sorted(unavailable):
        parts.append(
            _("{unit!r} unavailable in {weeks}").format(
                unit=unit_id, weeks=weeks_phrase(unavailable)
            )
        )
    if excluded := sorted(excluded):
        parts.append(
            _("demand line {line!r} excludes {weeks}").format(
                line=line_id, weeks=weeks_phrase(excluded)
            )
        )
    if past_season:
        parts.append(_("runs past the end of the season"))
    if off_cycle and not parts:
        parts.append(_("starts off its rotation cycle (season.rotation_cycle)"))
    # TRANSLATORS: the separator between the reasons a pinned delivery's weeks are closed.
    return _("; ").join(parts) or _("weeks not available")


def no_plan_text(time_limit: float) -> str:
    """Return that the search found no plan within its time limit."""
    return _("no plan was found within the time limit of {seconds} s").format(
        seconds=f"{time_limit:g}"
    )


def stopped_without_plan_text(elapsed: float) -> str:
    """Return that the caller stopped the solve, ``elapsed`` seconds in, before any plan."""
    return _("the search was stopped after {seconds} s, before any plan").format(
        seconds=f"{elapsed:.1f}"
    )


#: Head of the message of an infeasible solve that ended before the conflict was narrowed.
PINS_IN_CONFLICT_UNNAMED = N_(
    "the pinned deliveries cannot all be kept together; the search for the pins in "
    "conflict ended early (stopped or out of time), so all pins are listed:"
)


def build_over_limit_text(time_limit: float) -> str:
    """Return that building the model alone took longer than the time limit."""
    return _(
        "building the model alone took longer than the time limit of {seconds} s; "
        "no plan (allow more time)"
    ).format(seconds=f"{time_limit:g}")


def no_time_to_build_text(time_limit: float) -> str:
    """Return that no time was left to build the model (reading, or the command's
    reserve for its report, took the whole limit)."""
    return _(
        "no time was left to build the model within the time limit of {seconds} s; "
        "no plan (allow more time)"
    ).format(seconds=f"{time_limit:g}")


def split_over_limit_text(time_limit: float) -> str:
    """Return that the shared step of a solve subdistrict by subdistrict (the whole
    scenario's baselines, the split and the shared resources shared out) took longer
    than the time limit."""
    return _(
        "splitting the scenario by subdistrict (its baselines and the shared resources "
        "shared out) took longer than the time limit of {seconds} s; no plan (allow more "
        "time)"
    ).format(seconds=f"{time_limit:g}")


def no_time_to_split_text(time_limit: float) -> str:
    """Return that no time was left to split the scenario by subdistrict (reading, or the
    command's reserve for its report, took the whole limit)."""
    return _(
        "no time was left to split the scenario by subdistrict within the time limit of "
        "{seconds} s; no plan (allow more time)"
    ).format(seconds=f"{time_limit:g}")


def stopped_while_splitting_text(elapsed: float) -> str:
    """Return that the caller stopped a solve subdistrict by subdistrict, ``elapsed``
    seconds in, while the scenario was being split (before any plan)."""
    return _(
        "the solve was stopped after {seconds} s while the scenario was being split by "
        "subdistrict, before any plan"
    ).format(seconds=f"{elapsed:.1f}")


def percent_text(fraction: float) -> str:
    """Return a fraction as a percentage with at most two decimals: ``0.0033`` → ``0.33``."""
    return f"{100 * fraction:.2f}".rstrip("0").rstrip(".")


def gap_text(gap: float | None) -> str:
    """Return how close a plan is to the best possible one, from its relative gap."""
    if gap is None or gap != gap or gap == float("inf"):
        return _("how close it is to the best possible plan is not known yet")
    if gap <= 0:
        return _("as good as the best possible plan (it meets the proven bound)")
    percent = percent_text(gap)
    if percent == "0":
        return _("within 0.01 % of the best possible plan")
    return _("within {percent} % of the best possible plan").format(percent=percent)


#: The baselines by name, as planners read them.
BASELINE_NAMES: dict[str, str] = {
    "spreadsheet": N_("spreadsheet"),
    "greedy": N_("greedy"),
}


#: Why a baseline with more points is not the fallback, by the reason
#: :class:`planner.solver.fallback.BaselineStart` records; appended to the outcome.
PASSED_OVER: dict[str, str] = {
    "coverage": N_(
        "; the {baseline} baseline's plan has more points but leaves some committees "
        "below their spreadsheet-baseline coverage, so it cannot be used"
    ),
    "minimum": N_(
        "; the {baseline} baseline's plan has more points but its lowest committee "
        "coverage is below the spreadsheet baseline's, so it cannot be used"
    ),
}


def outcome_text(
    stop_reason: str,
    gap: float | None,
    *,
    time_limit: float,
    stopped_at: float | None = None,
    fallback: bool = False,
    beats_found: bool = False,
    baseline_name: str = "spreadsheet",
    passed_over: Sequence[tuple[str, str]] = (),
) -> str:
    """Return how a solve with a plan ended, in words.

    Parameters
    ----------
    stop_reason
        The value of :class:`planner.result.StopReason`: ``proven`` (the plan is proven
        optimal), ``gap_limit``, ``parts_done``, ``time_limit``, ``stage_limit`` or
        ``stopped``.
    gap
        The plan's relative gap to the proven bound (None without a bound).
    time_limit
        The solve's time limit in seconds.
    stopped_at
        Seconds into the solve when the caller stopped it.
    fallback
        The plan is a baseline's.
    beats_found
        With ``fallback``: the search found a plan, which the baseline's beats.
    baseline_name
        With ``fallback``: which baseline (``spreadsheet`` or ``greedy``).
    passed_over
        With ``fallback``: the baselines with more points not taken, each with why
        (``minimum`` or ``coverage``, see :class:`planner.solver.fallback.BaselineStart`).
    """
    if stop_reason == "proven" and not fallback:
        return _("proven optimal")
    closeness = gap_text(gap)
    if fallback:
        if beats_found:
            why = _("it beats the plan the search found")
        elif stop_reason == "stopped":
            why = _("the search was stopped before it found anything better")
        else:
            why = _("the search found nothing better in time")
        name = _(BASELINE_NAMES.get(baseline_name, baseline_name))
        text = _("the {baseline} baseline's plan ({why}); {closeness}").format(
            baseline=name, why=why, closeness=closeness
        )
        for other, reason in passed_over:
            text += _(PASSED_OVER.get(reason, reason)).format(
                baseline=_(BASELINE_NAMES.get(other, other))
            )
        return text
    if stop_reason in ("gap_limit", "parts_done"):
        return closeness
    seconds = f"{time_limit:g}"
    if stop_reason == "stopped":
        if stopped_at is None:
            return _("stopped on request; {closeness}; the best plan found so far").format(
                closeness=closeness
            )
        return _(
            "stopped on request after {seconds} s; {closeness}; the best plan found so far"
        ).format(seconds=f"{stopped_at:.1f}", closeness=closeness)
    if stop_reason == "stage_limit":
        return _(
            "a stage used up its share of the {seconds} s time limit before its goal; {closeness}"
        ).format(seconds=seconds, closeness=closeness)
    return _("stopped at the time limit of {seconds} s; {closeness}").format(
        seconds=seconds, closeness=closeness
    )


def parts_text(
    parts: int, missing: int, outcome: str, baseline_kept: bool = True, empty: int = 0
) -> str:
    """How a solve subdistrict by subdistrict ended, in words.

    ``outcome`` is :func:`outcome_text` for the whole plan against the whole scenario's
    bound (its gap unknown when there is none). ``missing`` subdistricts got no plan of
    their own; ``empty`` of them have no deliveries at all. ``baseline_kept`` says
    whether the others keep the whole baseline's deliveries, or (a split by weeks, which
    has no whole baseline) their own spreadsheet baseline's.
    """
    text = _(
        "planned subdistrict by subdistrict ({parts} subdistricts, the shared resources "
        "and the van split between them); {outcome}"
    ).format(parts=parts, outcome=outcome)
    kept = missing - empty
    if kept and baseline_kept:
        text += _(
            "; {missing} subdistricts got no plan of their own in time and keep the "
            "baseline's deliveries"
        ).format(missing=kept)
    elif kept:
        text += _(
            "; {missing} subdistricts got no plan of their own in time and keep their own "
            "spreadsheet baseline's deliveries"
        ).format(missing=kept)
    if empty:
        text += _("; {missing} subdistricts got no plan in time and have no deliveries").format(
            missing=empty
        )
    return text


def parts_fallback_text(baseline_name: str) -> str:
    """The outcome when the parts' plans together failed a check (never expected)."""
    return _(
        "the {baseline} baseline's plan: the subdistricts' plans together did not pass the checks"
    ).format(baseline=_(BASELINE_NAMES.get(baseline_name, baseline_name)))


#: Why a solve asked to go subdistrict by subdistrict (``decompose`` ``yes``) was solved
#: whole, untranslated (the command line prints them, a service job keeps them to be
#: translated when read): ``{setting}`` is how the caller asked (``--decompose yes``).
#: See :func:`planner.decompose.whole_reason`.
NOT_SPLITTABLE = N_(
    "{setting}: the scenario is not split (it needs two subdistricts or more, every "
    "committee in one of them); it is solved whole"
)
PINS_SOLVED_WHOLE = N_(
    "{setting}: the pins cannot be kept subdistrict by subdistrict (the baselines break "
    "one, or two subdistricts' pins need a shared unit in the same weeks); it was solved "
    "whole"
)


__all__ = [
    "BASELINE_NAMES",
    "BLOCKERS",
    "NOT_A_REASON",
    "NOT_SPLITTABLE",
    "PASSED_OVER",
    "PINS_IN_CONFLICT",
    "PINS_IN_CONFLICT_UNNAMED",
    "PINS_SOLVED_WHOLE",
    "PINS_WITHOUT_OPTION",
    "PRODUCT_NAMES",
    "UNIT_NOUNS",
    "UNMET_REASONS",
    "WEEKLY_USES",
    "blocker_text",
    "build_over_limit_text",
    "gap_text",
    "no_plan_text",
    "no_time_to_build_text",
    "no_time_to_split_text",
    "not_a_reason_text",
    "outcome_text",
    "parts_fallback_text",
    "parts_text",
    "percent_text",
    "pin_text",
    "pin_unmet_text",
    "pin_weeks_text",
    "pin_without_line_text",
    "product_name",
    "split_over_limit_text",
    "stopped_while_splitting_text",
    "stopped_without_plan_text",
    "unit_label",
    "unit_noun",
    "unmet_reason_text",
    "week_span",
    "weekly_use_text",
    "weeks_phrase",
    "weeks_text",
]
