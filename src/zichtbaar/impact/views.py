"""Impact pages: my impact, the interactive sum, the comms dashboard, exports, assumptions."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zichtbaar.impact import anonymity, charts, reach, selectors, services
from zichtbaar.impact.forms import ReachSettingsForm, SumForm
from zichtbaar.orgs import exports
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import Team

SUM_DEFAULT_PEOPLE = 50  # the seed's example: 50 colleagues x 500 connections
SUM_DEFAULT_CONNECTIONS = reach.TYPICAL_CONNECTIONS


@member_required
def my_impact(request: TenantRequest) -> HttpResponse:
    """The person's own figures only; nothing about colleagues."""
    updated = services.request_rollup()
    settings_row = selectors.reach_settings_for(request.org)
    data = selectors.my_impact(request.membership, settings_row.assumptions())
    data.updated = updated
    return render(
        request,
        "impact/mine.html",
        {
            "impact": data,
            "a": data.assumptions,
            # LinkedIn's own figures for posts made through Zichtbaar, apart from the estimates.
            "measured": selectors.my_measured(request.membership),
        },
    )


@member_required
def the_sum(request: TenantRequest) -> HttpResponse:
    """People x average connections, prefilled with the organisation's real figures."""
    org = request.org
    assumptions = selectors.reach_settings_for(org).assumptions()
    real = selectors.reach_for(org, assumptions)
    real_known = real.people >= anonymity.threshold() and real.average_network > 0
    prefill = {
        "people": min(real.people, reach.SUM_MAX_PEOPLE) if real_known else SUM_DEFAULT_PEOPLE,
        # a network may count followers, which can be more than LinkedIn's connection limit
        "connections": min(real.average_network, reach.SUM_MAX_CONNECTIONS)
        if real_known
        else SUM_DEFAULT_CONNECTIONS,
    }
    form = SumForm(request.GET if "people" in request.GET else prefill)
    result = None
    if form.is_valid():
        result = reach.the_sum(
            form.cleaned_data["people"],
            form.cleaned_data["connections"],
            org.linkedin_followers,
            assumptions,
        )
    htmx = bool(request.headers.get("HX-Request"))
    context = {
        "form": form,
        "r": result,
        "a": assumptions,
        "real_known": real_known,
        "prefill": prefill,
        "htmx": htmx,
        "members": reach.LINKEDIN_MEMBERS,
        "members_source": _(reach.LINKEDIN_MEMBERS_SOURCE),
        "max_people": reach.SUM_MAX_PEOPLE,
        "max_connections": reach.SUM_MAX_CONNECTIONS,
    }
    if htmx:
        # The result, and out of band the messages under each field (the fields themselves
        # stay as they are, so typing is never interrupted).
        return render(request, "impact/_sum_result.html", context)
    return render(request, "impact/sum.html", context, status=200 if form.is_valid() else 400)


def _filters(request: TenantRequest) -> tuple[int, Team | None]:
    try:
        period = int(request.GET.get("period") or selectors.DEFAULT_PERIOD)
    except ValueError:
        period = selectors.DEFAULT_PERIOD
    if period not in selectors.PERIODS:
        period = selectors.DEFAULT_PERIOD
    team = None
    raw = request.GET.get("team") or ""
    if raw:
        if not raw.isdigit():
            raise Http404
        team = Team.objects.filter(org=request.org, pk=int(raw)).first()
        if team is None:
            raise Http404  # another organisation's team, or none at all
    return period, team


def _reach_items(db: selectors.Dashboard) -> list[tuple[str, int]]:
    r = db.reach
    return [
        (_("Potential reach"), r.potential_reach),
        (_("Estimated unique reach"), r.unique_reach_estimate),
        (_("Views if everyone posts once"), r.views_if_everyone_posts[1]),
        (_("Estimated views of the shares in this period"), db.views_realised[1]),
        (_("Clicks on tracked links"), db.clicks),
    ]


def _charts(db: selectors.Dashboard) -> dict[str, charts.Chart]:
    k = db.threshold
    out = {"trend": charts.trend(db.weeks)}
    out["reach"] = charts.reach_bars(_reach_items(db), title=_("Potential and realised reach"))
    if db.team is None:
        out["teams"] = charts.bars(
            "chart-teams",
            db.table("teams").rows,
            "participation",
            title=_("Share of people who shared, per team"),
            unit=_("People who shared in this period (%)"),
            k=k,
            percent=True,
        )
    out["types"] = charts.bars(
        "chart-types",
        db.table("types").rows,
        "shares",
        title=_("Shares per moment type"),
        unit=_("Shares"),
        k=k,
    )
    out["barriers"] = charts.bars(
        "chart-barriers",
        db.table("barriers").rows,
        "people",
        title=_("What holds people back"),
        unit=_("People"),
        k=k,
    )
    return out


@comms_required
def dashboard(request: TenantRequest) -> HttpResponse:
    period, team = _filters(request)
    updated = services.request_rollup()
    settings_row = selectors.reach_settings_for(request.org)
    assumptions = settings_row.assumptions()
    db = selectors.cached_dashboard(
        request.org, settings_row, period=period, team=team, updated=updated
    )
    context = {
        "db": db,
        "a": assumptions,
        "charts": {} if db.hidden else _charts(db),
        "reach_items": _reach_items(db),
        "tables": {t.key: t for t in db.tables},
        "periods": selectors.PERIODS,
        "query": request.GET.urlencode(),
        "measured": selectors.org_measured(request.org, db.start, db.team),
    }
    return render(request, "impact/dashboard.html", context)


def _decimal(value: float) -> str:
    """7.5 as the reader's language writes it (7,5 in Dutch), without trailing zeros."""
    return f"{value:g}".replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def _export_rows(db: selectors.Dashboard) -> dict[str, list[list[object]]]:
    """Sheets of rows; hidden cells are empty with the reason in the last column."""
    why_small = _("hidden: fewer than %(k)s people") % {"k": db.threshold}
    why_comp = _("hidden so a small group can't be worked out from the total")
    scope = db.team.name if db.team else _("Whole organisation")
    summary_header: list[object] = [_("Figure"), _("Value"), _("Note")]
    hidden = db.hidden
    note = why_small if hidden else ""

    def v(x: object) -> object:
        return "" if hidden else x

    summary: list[list[object]] = [
        summary_header,
        [_("Scope"), scope, db.refused],
        [_("Period"), f"{db.start} – {db.end}", ""],
        [_("People"), v(db.people), note],
        [_("People who shared in the last 30 days (%)"), v(db.participation_30_pct), note],
        [_("People who shared in the last 90 days (%)"), v(db.participation_90_pct), note],
        [_("Shares"), v(db.shares), note],
        [_("Clicks"), v(db.clicks), note],
        [_("Potential reach"), v(db.reach.potential_reach), note],
        [_("Estimated unique reach"), v(db.reach.unique_reach_estimate), note],
        [_("Overlap assumed (%)"), round(db.reach.assumptions.overlap * 100, 2), ""],
        [
            _("Organic reach assumed (%)"),
            f"{_decimal(db.reach.assumptions.organic_reach_low * 100)}–"
            f"{_decimal(db.reach.assumptions.organic_reach_high * 100)}",
            db.reach.assumptions.source,
        ],
    ]
    sheets: dict[str, list[list[object]]] = {_("Summary"): summary}
    weeks: list[list[object]] = [[_("Week starting"), _("Shares"), _("Clicks"), _("Note")]]
    for w in db.weeks:
        weeks.append([w.start.isoformat(), v(w.shares), v(w.clicks), note])
    sheets[_("Per week")] = weeks
    for table in db.tables:
        rows: list[list[object]] = [[_("Group"), *(h for _k, h in table.columns), _("Note")]]
        for g in table.rows:
            reason = "" if g.visible else (why_small if g.hidden == "small" else why_comp)
            rows.append(
                [g.label]
                + [("" if (g.hidden or hidden) else g.values.get(c)) for c, _h in table.columns]
                + [reason or note]
            )
        if table.total is not None:
            t_hidden = table.total.hidden
            rows.append(
                [_("Total")]
                + [("" if t_hidden else table.total.values.get(c)) for c, _h in table.columns]
                + [why_small if t_hidden else ""]
            )
        sheets[str(table.title)[:31]] = rows
    return sheets


def _export_name(db: selectors.Dashboard, ext: str) -> str:
    team = f"-team{db.team.pk}" if db.team else ""
    return f"impact-{db.org.slug}{team}-{db.period}d-{timezone.localdate():%Y%m%d}.{ext}"


def _export_dashboard(request: TenantRequest) -> selectors.Dashboard:
    period, team = _filters(request)
    settings_row = selectors.reach_settings_for(request.org)
    return selectors.cached_dashboard(request.org, settings_row, period=period, team=team)


@comms_required
def export_csv(request: TenantRequest) -> HttpResponse:
    """One CSV with a block per table. Where the language writes a decimal comma (Dutch), the
    separator is a semicolon and decimals have a comma, as Excel in that language expects;
    otherwise commas and decimal points."""
    db = _export_dashboard(request)
    comma = formats.get_format("DECIMAL_SEPARATOR") == ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if comma else ",")

    def local(value: object) -> object:
        return _decimal(value) if comma and isinstance(value, float) else value

    for name, rows in _export_rows(db).items():
        writer.writerow(exports.row([f"# {name}"]))
        # Names never become formulas (neutralised first); then decimals as the language has.
        writer.writerows([[local(v) for v in r] for r in exports.csv_rows(rows)])
        writer.writerow([])
    response = HttpResponse(
        "\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8"
    )  # BOM: Excel reads UTF-8
    response["Content-Disposition"] = f'attachment; filename="{_export_name(db, "csv")}"'
    return response


@comms_required
def export_xlsx(request: TenantRequest) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    db = _export_dashboard(request)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in _export_rows(db).items():
        ws = wb.create_sheet(title=name.replace("/", "-")[:31])
        for row in rows:
            exports.xlsx_append(ws, row)  # text as strings, never formulas; numbers stay numbers
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.column_dimensions["A"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(db, "xlsx")}"'
    return response


@comms_required
@require_http_methods(["GET", "POST"])
def assumptions(request: TenantRequest) -> HttpResponse:
    """Comms choose the reach model's assumptions for their organisation."""
    org = request.org
    current = selectors.reach_settings_for(org)
    if request.method == "POST" and request.POST.get("reset"):
        services.reset_reach_settings(org)
        messages.success(request, _("The assumptions are back to their defaults."))
        return redirect("impact:assumptions")
    form = ReachSettingsForm.from_settings(
        current, request.POST if request.method == "POST" else None
    )
    if current.source.strip() == reach.DEFAULT_SOURCE:
        # The default source is shown translated below the form; an empty field keeps it.
        form.initial["source"] = ""
    if request.method == "POST" and form.is_valid():
        services.save_reach_settings(org, by=request.user, **form.fractions())
        messages.success(request, _("Saved. Every reach figure now uses these assumptions."))
        return redirect("impact:assumptions")
    return render(
        request,
        "impact/assumptions.html",
        {
            "form": form,
            "current": current,
            "a": current.assumptions(),
            "custom": current.pk is not None,
            "members": reach.LINKEDIN_MEMBERS,
            "members_source": _(reach.LINKEDIN_MEMBERS_SOURCE),
            "typical": reach.TYPICAL_CONNECTIONS,
            "typical_source": _(reach.TYPICAL_CONNECTIONS_SOURCE),
        },
        status=400 if form.errors else 200,
    )
