import io

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from flask import abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField
from wtforms.validators import Optional

from juragan.access import requires
from juragan.blueprints.dashboards import bp
from juragan.extensions import db
from juragan.forms import (
    BaseForm,
    RegionSelectField,
    choices,
    labelled,
    province_choices,
    regency_choices,
)
from juragan.labels import (
    BUSINESS_LINE_LABELS,
    LENDER_LABELS,
    SCHEME_LABELS,
    SEX_LABELS,
    code_label,
)
from juragan.models import utcnow
from juragan.policy import Action
from juragan.reference import countries, country_name
from juragan.reports import programme
from juragan.reports.programme import Filters


class FilterForm(BaseForm):
    """The dashboard's filters; they live in the URL so a view can be shared."""

    class Meta:
        csrf = False

    province = RegionSelectField(_l("Province"))
    regency = RegionSelectField(
        _l("Regency or city"), render_kw={"data-follows": "province"}
    )
    returned_from = DateField(_l("Returned from"), validators=[Optional()])
    returned_to = DateField(_l("Returned until"), validators=[Optional()])
    sex = RegionSelectField(_l("Sex"))
    country = RegionSelectField(_l("Destination"))
    sector = RegionSelectField(_l("Line of business"))
    scheme = RegionSelectField(_l("KUR scheme"))
    lender = RegionSelectField(_l("Bank"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = _l("All")
        self.province.choices = province_choices(everyone)
        self.regency.choices = regency_choices(everyone)
        self.sex.choices = labelled(SEX_LABELS, everyone)
        locale = str(get_locale() or "id")
        self.country.choices = choices(((c.code, c.name) for c in countries(locale)
                                        if c.code != "ID"), everyone)  # fmt: skip
        self.sector.choices = labelled(BUSINESS_LINE_LABELS, everyone)
        self.scheme.choices = labelled(SCHEME_LABELS, everyone)
        self.lender.choices = labelled(LENDER_LABELS, everyone)


def _filters(form: FilterForm) -> Filters:
    if not form.validate():
        return Filters()
    return Filters(
        province_code=form.province.data, regency_code=form.regency.data,
        returned_from=form.returned_from.data, returned_to=form.returned_to.data,
        sex=form.sex.data, country_code=form.country.data, sector=form.sector.data,
        scheme=form.scheme.data, lender=form.lender.data,
    )  # fmt: skip


def _bar(title: str, labels: list[str], values: list[int], axis: str) -> str:
    figure = go.Figure(
        go.Bar(x=values, y=labels, orientation="h", marker_color="#0f6b4f")
    )
    figure.update_layout(title=title, separators=",.", height=120 + 26 * max(len(labels), 1),
                         # Whole numbers: no tick may fall between two of them.
                         xaxis={"title": axis, "tickformat": ",d", "tick0": 0,
                                "dtick": max(1, -(-max(values, default=1) // 5))},
                         yaxis={"autorange": "reversed", "automargin": True},
                         margin={"l": 10, "r": 10, "t": 50, "b": 40})  # fmt: skip
    return pio.to_json(figure, engine="orjson").replace("</", "<\\/")


def _tables(filters: Filters):
    locale = str(get_locale() or "id")
    funnel_rows = [(code, code_label("funnel", code), n) for code, n in
                   programme.funnel(db.session, current_user, filters, utcnow().date())]  # fmt: skip
    country_rows = [(code, country_name(code, locale), n)
                    for code, n in programme.by_country(db.session, current_user, filters)]  # fmt: skip
    sector_rows = [(code, code_label("business_line", code), n, operating)
                   for code, n, operating in programme.by_sector(db.session, current_user, filters)]  # fmt: skip
    return funnel_rows, country_rows, sector_rows


@bp.route("/")
@requires(Action.VIEW_DASHBOARD)
def programme_dashboard():
    form = FilterForm(request.args)
    filters = _filters(form)
    figures = programme.headline(db.session, current_user, filters, utcnow().date())
    funnel_rows, country_rows, sector_rows = _tables(filters)
    charts = {
        "funnel": _bar(_("From return to a lasting business"),
                       [name for _c, name, _n in funnel_rows],
                       [n for _c, _name, n in funnel_rows], _("Returnees")),
        "countries": _bar(_("Returnees by destination country"),
                          [name for _c, name, _n in country_rows[:15]],
                          [n for _c, _name, n in country_rows[:15]], _("Returnees")),
        "sectors": _bar(_("Businesses by line of business"),
                        [name for _c, name, _n, _o in sector_rows],
                        [n for _c, _name, n, _o in sector_rows], _("Businesses")),
    }  # fmt: skip
    g.has_charts = True
    args = {k: v for k, v in request.args.items() if v}
    return render_template("dashboards/programme.html", form=form, figures=figures,
                           funnel_rows=funnel_rows, country_rows=country_rows,
                           sector_rows=sector_rows,
                           charts=charts, args=args)  # fmt: skip


@bp.route("/<name>.<kind>")
@requires(Action.VIEW_DASHBOARD)
def download(name: str, kind: str):
    if name not in ("funnel", "countries", "sectors") or kind not in ("csv", "xlsx"):
        abort(404)
    funnel_rows, country_rows, sector_rows = _tables(_filters(FilterForm(request.args)))
    if name == "funnel":
        frame = pd.DataFrame(
            funnel_rows, columns=[_("Code"), _("Stage"), _("Returnees")]
        )
    elif name == "countries":
        frame = pd.DataFrame(
            country_rows, columns=[_("Code"), _("Country"), _("Returnees")]
        )
    else:
        frame = pd.DataFrame(sector_rows, columns=[_("Code"), _("Line of business"),
                                                    _("Businesses"), _("Operating")])  # fmt: skip
    if kind == "csv":
        body, mimetype = frame.to_csv(index=False).encode("utf-8-sig"), "text/csv"
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        body = buffer.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return current_app.response_class(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"'})  # fmt: skip
